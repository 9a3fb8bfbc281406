function [X, labels] = mnist_batch(n)
%MNIST_BATCH  The first n MNIST test digits of the golden data as an n x 32 x 32 batch
%   (N x H x W x D by index, D = 1 dropped by size()), scaled to [-1, 1] and padded with
%   2 pixels of -1, and their labels (n x 1, 0..9).
rows = quiet(@data_io.read, golden_file('mnist_test_x.npy'));   % 256 x 784, C-order images
labels = quiet(@data_io.read, golden_file('mnist_test_y.npy'));
rows = rows(1:n, :);
labels = labels(1:n);
X = -ones(n, 32, 32);
X(:, 3:30, 3:30) = permute(reshape(rows, [n 28 28]), [1 3 2]);
end
