function out = import (varargin)
  % IMPORT  For GNU Octave only (on the path through bindings/matlab/PKG_ADD): accepts
  % MATLAB's import statements of packages, which Octave 7 does not implement, so that
  % the LRP Toolbox's scripts run their first lines (`import model_io.*`,
  % `import data_io.*`, `import render.*`, `import modules.*`) unchanged.
  %
  %   import pkg.*  and  import pkg.name  check that the package (a +pkg folder on the
  %   path) exists and record the import; `L = import` returns the recorded list, as
  %   MATLAB does. Octave does not resolve unqualified names through imports: write
  %   model_io.read(...), as the toolbox's scripts do. An unknown package is an error,
  %   as in MATLAB.
  persistent imported
  if isempty (imported)
    imported = cell (0, 1);
  end
  for k = 1:numel (varargin)
    a = varargin{k};
    if ! ischar (a) || isempty (regexp (a, '^[A-Za-z]\w*(\.[A-Za-z]\w*)*(\.\*)?$', 'once'))
      error ('import: ''%s'' is not a package import (pkg.* or pkg.name)', num2str (a));
    end
    parts = strsplit (regexprep (a, '\.\*$', ''), '.');
    if isempty (regexp (a, '\.\*$', 'once')) && numel (parts) > 1
      parts(end) = [];          % pkg.name: the package is everything before the name
    end
    folder = strjoin (strcat ('+', parts), filesep ());
    if ! any (cellfun (@(d) isfolder (fullfile (d, folder)), [{pwd()}, strsplit(path (), pathsep ())]))
      error ('Octave:undefined-function', 'import: there is no package ''%s'' on the path (a +%s folder)', ...
             strjoin (parts, '.'), strjoin (parts, '/+'));
    end
    if ! any (strcmp (imported, a))
      imported{end+1, 1} = a;
    end
  end
  if nargout > 0 || nargin == 0
    out = imported;
  end
end
