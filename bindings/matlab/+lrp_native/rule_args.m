function [rule, param] = rule_args(lrp_var, param, presets_allowed)
%LRP_NATIVE.RULE_ARGS  The (rule, param) arguments of the library for the toolbox's
%   (lrp_var, param). Empty or missing lrp_var means the presets when PRESETS_ALLOWED
%   (rule '': the library reads an empty name as "the presets"; MATLAB documents [] as
%   NULL only for numeric and opaque pointers) and 'simple' otherwise; an empty param is NaN (the rule's default).
%   Rule names are checked by the library (lrp:unknownRule names the variant).
if nargin < 2
    param = [];
end
if isempty(lrp_var)
    if presets_allowed && isempty(param)
        rule = '';
    else
        rule = 'simple';
    end
elseif ischar(lrp_var) && size(lrp_var, 1) == 1
    rule = lrp_var;
elseif isa(lrp_var, 'string') && isscalar(lrp_var)
    rule = char(lrp_var);
else
    error('lrp:invalidArgument', 'lrp: lrp_var must be a rule name (a string), given a %s', class(lrp_var));
end
if isempty(param)
    param = NaN;
elseif ~(isnumeric(param) || islogical(param)) || ~isscalar(param) || ~isreal(param)
    error('lrp:invalidArgument', 'lrp: the LRP parameter must be a real numeric scalar, given a %s of size %s', ...
        class(param), mat2str(size(param)));
else
    param = double(param);
end
end
