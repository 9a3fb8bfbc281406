function seed = random_seed()
%LRP_NATIVE.RANDOM_SEED  A seed for the library's generators, drawn from MATLAB's own random
%   stream: rng(...) (or rand('seed', ...) in Octave) makes initialisation and training
%   reproducible, as with the toolbox.
seed = uint64(floor(rand() * 2^32));
end
