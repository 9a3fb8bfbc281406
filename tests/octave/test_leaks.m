function tests = test_leaks()
%TEST_LEAKS  No native handle leaks: many networks are created and deleted through every
%   path of the bindings, and the library's count of live handles (lrp_live_networks)
%   comes back to where it started.
tests = {
    'many_networks', @many_networks
    'explicit_delete', @explicit_delete
    'rebuilds_training_and_bound_layers', @rebuilds_training_and_bound_layers
};
end

function n = live()
n = double(calllib('lrp', 'lrp_live_networks'));
end

function many_networks()
before = live();
for k = 1:200
    l = modules.Linear(8, 4, k);
    nn = modules.Sequential({l, modules.Rect(), modules.Linear(4, 2, k), modules.SoftMax()});
    nn.forward(ones(3, 8));
    clear l nn
end
assert_true(live() == before, 'after Sequential: %d live handles, %d before', live(), before);
for k = 1:100
    nn = quiet(@model_io.read, golden_file('convnet.txt'));
    c = modules.Convolution([3 3 2 4], [1 1], k); %#ok<NASGU>
    p = modules.MaxPool(); %#ok<NASGU>
    q = modules.SumPool(); %#ok<NASGU>
    f = modules.Flatten(); %#ok<NASGU>
    t = modules.Tanh(); %#ok<NASGU>
    clear nn c p q f t
end
assert_true(live() == before, 'after model_io.read and single layers: %d live handles, %d before', live(), before);
end

function explicit_delete()
before = live();
for k = 1:100
    nn = modules.Sequential({modules.Linear(3, 3, k), modules.Tanh()});
    kept = nn.modules{1};
    delete(nn);
    kept.forward([1 2 3]);
    delete(kept);
    clear nn kept
end
assert_true(live() == before, 'after delete(): %d live handles, %d before', live(), before);
end

function rebuilds_training_and_bound_layers()
before = live();
X = [0 0; 1 1; 0 1; 1 0];
Y = [1 0; 1 0; 0 1; 0 1];
for k = 1:30
    nn = modules.Sequential({modules.Linear(2, 3, k), modules.Tanh(), modules.Linear(3, 2, k + 1), modules.SoftMax()});
    nn.modules{1}.forward(X);                   % a bound layer's own one-layer network
    nn.modules{1}.backward(ones(4, 3));
    nn.modules{1}.update(0.01);
    nn.modules(end) = [];                        % rebuild
    nn.modules{end + 1} = modules.SoftMax();     % rebuild
    quiet(@(varargin) nn.train(varargin{:}), X, Y, [], [], 2, 20, 0.1, [], [], 5, [], [], 'seed', k);
    quiet(@(varargin) nn.train(varargin{:}), X, Y, [], [], 2, 20, 0.1, [], [], 5, [], @(b) b + 0.01);
    quiet(@() nn.drop_softmax_output_layer());
    clear nn
end
assert_true(live() == before, 'after rebuilds and training: %d live handles, %d before', live(), before);
end
