function tests = test_golden()
%TEST_GOLDEN  Parity with the toolbox's reference results (../shared/golden/manifest.json)
%   through the MATLAB classes: model_io.read the model, data_io.read the .npy inputs,
%   forward, lrp with every rule and with per-layer presets, backward, one training step.
manifest = jsondecode(fileread(golden_file('manifest.json')));
cases = manifest.cases;
if isstruct(cases)
    cases = num2cell(cases);
end
tests = cell(numel(cases), 2);
for i = 1:numel(cases)
    c = cases{i};
    tests{i, 1} = c.name;
    tests{i, 2} = @() run_case(c, manifest.rtol, manifest.atol);
end
end

function run_case(c, rtol, atol)
nn = quiet(@model_io.read, golden_file(c.model));
X = quiet(@data_io.read, golden_file(c.input));
switch c.op
    case 'forward'
        Y = nn.forward(X);
        assert_close(Y, quiet(@data_io.read, golden_file(c.expected)), rtol, atol, c.name);
    case 'lrp'
        nn.forward(X);
        R0 = quiet(@data_io.read, golden_file(c.relevance));
        if isfield(c, 'layer_rules') && ~isempty(c.layer_rules)
            rules = c.layer_rules;
            if isstruct(rules)
                rules = num2cell(rules);
            end
            assert_true(numel(rules) == numel(nn.modules), 'one rule per layer');
            for k = 1:numel(rules)
                nn.modules{k}.set_lrp_parameters(rules{k}.rule, rules{k}.param);
            end
            R = nn.lrp(R0);
        else
            R = nn.lrp(R0, c.rule, c.param);
        end
        assert_close(R, quiet(@data_io.read, golden_file(c.expected)), rtol, atol, c.name);
    case 'backward'
        nn.forward(X);
        DX = nn.backward(quiet(@data_io.read, golden_file(c.gradient)));
        assert_close(DX, quiet(@data_io.read, golden_file(c.expected)), rtol, atol, c.name);
    case 'train_step'
        T = quiet(@data_io.read, golden_file(c.targets));
        Y = nn.forward(X);
        nn.backward(Y - T);
        nn.update(c.learning_rate);
        expected = quiet(@model_io.read, golden_file(c.expected_model));
        assert_true(numel(expected.modules) == numel(nn.modules), 'layer count');
        for k = 1:numel(nn.modules)
            a = nn.modules{k};
            e = expected.modules{k};
            assert_true(strcmp(class(a), class(e)), 'layer %d: %s vs %s', k, class(a), class(e));
            if isa(a, 'modules.Linear') || isa(a, 'modules.Convolution')
                assert_close(a.W, e.W, rtol, atol, sprintf('%s W of layer %d', c.name, k));
                assert_close(a.B, e.B, rtol, atol, sprintf('%s B of layer %d', c.name, k));
            end
        end
    otherwise
        error('unknown op %s', c.op);
end
end
