//! Rendering: colour maps at known points (MATLAB's tables, the toolbox's custom maps,
//! zennit's maps), heatmap scaling, shapes, the Canny outline against scikit-image's
//! result, PNG round trips, errors, and the same through the C ABI.

use lrp::ffi;
use lrp::render::{self, Colormap, RgbImage};
use lrp::LrpError;
use ndarray::{array, s, Array2, Array3, ArrayD, Axis, IxDyn};
use std::ffi::CString;
use std::path::PathBuf;

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lrp-render-{}-{name}", std::process::id()))
}

fn close(a: [f64; 3], b: [f64; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
}

#[track_caller]
fn assert_colour(map: &str, u: f64, expected: [f64; 3]) {
    let got = Colormap::from_name(map).unwrap().rgb(u);
    assert!(
        close(got, expected),
        "{map} at {u}: expected {expected:?}, got {got:?}"
    );
}

fn pixel(img: &RgbImage, i: usize, j: usize) -> [f64; 3] {
    [img[[i, j, 0]], img[[i, j, 1]], img[[i, j, 2]]]
}

// ---------------------------------------------------------------------------------------
// Colour maps
// ---------------------------------------------------------------------------------------

#[test]
fn jet_is_matlabs_jet_255_indexed_as_the_toolbox_does() {
    let dark = 33.0 / 64.0;
    assert_colour("jet", 0.0, [0.0, 0.0, dark]);
    assert_colour("jet", 0.5, [0.5, 1.0, 0.5]);
    assert_colour("jet", 1.0, [dark, 0.0, 0.0]);
    // round(0.25 * 255) = 64 is row 64: green half way up, full blue.
    assert_colour("jet", 0.25, [0.0, 0.5, 1.0]);
    // round(0.75 * 255) = 191 is row 191: full red, green 33/64 on its way down.
    assert_colour("jet", 0.75, [1.0, dark, 0.0]);
    // Values 0 and 1 of round(u * 255) both name the first row.
    assert_colour("jet", 1.0 / 255.0, [0.0, 0.0, dark]);
    assert_colour("jet", 2.0 / 255.0, [0.0, 0.0, 34.0 / 64.0]);
}

#[test]
fn binary_and_gray_are_matlabs_gray_255() {
    assert_colour("binary", 0.0, [1.0; 3]);
    assert_colour("binary", 1.0, [0.0; 3]);
    assert_colour("binary", 0.5, [0.5; 3]); // row 128 of 255
    assert_colour("gray", 0.0, [0.0; 3]);
    assert_colour("gray", 1.0, [1.0; 3]);
    assert_colour("gray", 0.25, [63.0 / 254.0; 3]);
}

#[test]
fn the_toolbox_custom_maps_at_their_nodes() {
    // u = (t + 1) / 2 for relevance t in [-1, 1].
    let u = |t: f64| (t + 1.0) / 2.0;
    assert_colour("gray-red", u(-1.0), [0.0, 0.0, 1.0]);
    assert_colour("gray-red", u(0.0), [0.8, 0.8, 0.8]);
    assert_colour("gray-red", u(0.5), [0.9, 0.4, 0.4]);
    assert_colour("gray-red", u(1.0), [1.0, 0.0, 0.0]);

    assert_colour("gray-red2", u(0.0), [0.9, 0.9, 0.9]);
    assert_colour("gray-red2", u(0.3), [0.9, 0.4, 0.4]);
    assert_colour("gray-red2", u(1.0), [0.4, 0.0, 0.0]);
    assert_colour("gray-red2", u(-0.3), [0.4, 0.4, 0.9]);
    assert_colour("gray-red2", u(-1.0), [0.0, 0.0, 0.4]);

    assert_colour("black-green", u(-1.0), [0.0, 0.0, 1.0]);
    assert_colour("black-green", u(0.0), [0.0, 0.0, 0.0]);
    assert_colour("black-green", u(0.5), [0.0, 0.5, 0.0]);
    assert_colour("black-green", u(1.0), [0.0, 1.0, 0.0]);

    assert_colour("black-firered", u(0.0), [0.0, 0.0, 0.0]);
    assert_colour("black-firered", u(0.25), [1.0, 0.0, 0.0]);
    assert_colour("black-firered", u(0.5), [1.0, 1.0, 0.0]);
    assert_colour("black-firered", u(0.75), [1.0, 1.0, 0.5]);
    assert_colour("black-firered", u(1.0), [1.0, 1.0, 1.0]);
    assert_colour("black-firered", u(-0.25), [0.0, 0.0, 1.0]);
    assert_colour("black-firered", u(-0.5), [0.0, 1.0, 1.0]);
    assert_colour("black-firered", u(-1.0), [1.0, 1.0, 1.0]);

    assert_colour("black-yellow", u(-1.0), [0.0, 0.0, 1.0]);
    assert_colour("black-yellow", u(0.0), [0.0, 0.0, 0.0]);
    assert_colour("black-yellow", u(0.5), [0.5, 0.5, 0.0]);
    assert_colour("black-yellow", u(1.0), [1.0, 1.0, 0.0]);
}

#[test]
fn zennits_maps_at_their_nodes_and_between() {
    let at = |x: f64| x / 255.0;
    let d = 208.0 / 255.0;
    assert_colour("seismic", 0.0, [0.0, 0.0, d]);
    assert_colour("seismic", at(128.0), [d, d, d]);
    assert_colour("seismic", 1.0, [d, 0.0, 0.0]);
    assert_colour("seismic", at(64.0), [d / 2.0, d / 2.0, d]);

    assert_colour("bwr", 0.0, [0.0, 0.0, 1.0]);
    assert_colour("bwr", at(128.0), [1.0, 1.0, 1.0]);
    assert_colour("bwr", 1.0, [1.0, 0.0, 0.0]);
    // u = 0.5 is 127.5 of 255, just short of the white node at 128.
    let w = 127.5 / 128.0;
    assert_colour("bwr", 0.5, [w, w, 1.0]);

    assert_colour("coldnhot", 0.0, [0.0, 1.0, 1.0]);
    assert_colour("coldnhot", at(64.0), [0.0, 0.0, 1.0]);
    assert_colour("coldnhot", at(128.0), [0.0, 0.0, 0.0]);
    assert_colour("coldnhot", at(170.0), [1.0, 0.0, 0.0]);
    assert_colour("coldnhot", at(212.0), [1.0, 1.0, 0.0]);
    assert_colour("coldnhot", 1.0, [1.0, 1.0, 1.0]);
    assert_colour("coldnhot", at(32.0), [0.0, 0.5, 1.0]);
}

#[test]
fn colour_maps_clip_and_are_named_case_insensitively() {
    for map in Colormap::all() {
        assert_eq!(Colormap::from_name(map.name()).unwrap(), map);
        assert_eq!(
            Colormap::from_name(&map.name().to_uppercase()).unwrap(),
            map
        );
        assert_eq!(map.rgb(-3.0), map.rgb(0.0), "{map}");
        assert_eq!(map.rgb(7.0), map.rgb(1.0), "{map}");
        assert_eq!(map.rgb(f64::NAN), map.rgb(0.0), "{map}");
        for k in 0..=100 {
            let c = map.rgb(k as f64 / 100.0);
            assert!(c.iter().all(|v| (0.0..=1.0).contains(v)), "{map}: {c:?}");
        }
    }
    assert_eq!(Colormap::all().count(), 11);
    assert_eq!(
        Colormap::from_name("Blue_Black_Yellow").unwrap(),
        Colormap::BlackYellow
    );
    assert_eq!("Gray_Red".parse::<Colormap>().unwrap(), Colormap::GrayRed);
    match Colormap::from_name("viridis").unwrap_err() {
        LrpError::BadParameter { name, message } => {
            assert_eq!(name, "cmap");
            assert!(
                message.contains("'viridis'") && message.contains("coldnhot"),
                "{message}"
            );
        }
        other => panic!("expected BadParameter, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Shapes: vec2im, enlarge, corners, side by side
// ---------------------------------------------------------------------------------------

#[test]
fn vec2im_reshapes_row_major_and_defaults_to_square() {
    let v = ArrayD::from_shape_vec(IxDyn(&[16]), (0..16).map(f64::from).collect()).unwrap();
    let sq = render::vec2im(v.view(), None).unwrap();
    assert_eq!(sq.dim(), (4, 4));
    assert_eq!(sq[[1, 2]], 6.0);
    let wide = render::vec2im(v.view(), Some((2, 8))).unwrap();
    assert_eq!(wide[[1, 0]], 8.0);
    // Any input shape: an N x H x W x D batch of one sample.
    let batch = v.into_shape_with_order(IxDyn(&[1, 4, 4, 1])).unwrap();
    assert_eq!(render::vec2im(batch.view(), None).unwrap(), sq);

    let odd = ArrayD::<f64>::zeros(IxDyn(&[12]));
    assert!(matches!(
        render::vec2im(odd.view(), None).unwrap_err(),
        LrpError::BadParameter { .. }
    ));
    assert!(matches!(
        render::vec2im(odd.view(), Some((5, 3))).unwrap_err(),
        LrpError::ShapeMismatch { .. }
    ));
}

#[test]
fn enlarge_repeats_every_pixel_in_a_block() {
    let img = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
    let big = render::enlarge(img.view().into_dyn(), 3).unwrap();
    assert_eq!(big.shape(), &[6, 9]);
    for i in 0..6 {
        for j in 0..9 {
            assert_eq!(big[[i, j]], img[[i / 3, j / 3]]);
        }
    }
    let rgb = Array3::from_shape_fn((2, 2, 3), |(i, j, c)| (i * 6 + j * 3 + c) as f64);
    let big = render::enlarge_rgb(rgb.view(), 2).unwrap();
    assert_eq!(big.dim(), (4, 4, 3));
    assert_eq!(pixel(&big, 3, 1), [6.0, 7.0, 8.0]);
    assert_eq!(
        render::enlarge(img.view().into_dyn(), 1).unwrap(),
        img.into_dyn()
    );
    let e = render::enlarge(rgb.view().into_dyn(), 0).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { ref name, .. } if name == "scaling"));
    let flat = ArrayD::<f64>::zeros(IxDyn(&[4]));
    assert!(render::enlarge(flat.view(), 2).is_err());
}

#[test]
fn repaint_corner_pixels_takes_the_mean_of_the_three_neighbours() {
    let mut rgb =
        Array3::from_shape_fn((4, 5, 3), |(i, j, c)| (10 * i + j) as f64 + c as f64 / 10.0);
    let before = rgb.clone();
    render::repaint_corner_pixels(&mut rgb, 1).unwrap();
    // Top left: mean of (0, 1), (1, 0), (1, 1).
    let top = (1.0 + 10.0 + 11.0) / 3.0;
    assert!(close(pixel(&rgb, 0, 0), [top, top + 0.1, top + 0.2]));
    // Bottom right: mean of (3, 3), (2, 4), (2, 3).
    let bottom = (33.0 + 24.0 + 23.0) / 3.0;
    assert!(close(
        pixel(&rgb, 3, 4),
        [bottom, bottom + 0.1, bottom + 0.2]
    ));
    let mut changed = 0;
    for (a, b) in rgb.iter().zip(before.iter()) {
        changed += usize::from(a != b);
    }
    assert_eq!(changed, 6, "only the two corner pixels change");

    let mut big = render::enlarge_rgb(before.view(), 2).unwrap();
    render::repaint_corner_pixels(&mut big, 2).unwrap();
    for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        assert!(close(pixel(&big, i, j), [top, top + 0.1, top + 0.2]));
    }
    assert!(render::repaint_corner_pixels(&mut before.clone(), 4).is_err());
}

#[test]
fn hstack_puts_black_gaps_between_images() {
    let a = Array3::from_elem((3, 2, 3), 0.25);
    let b = Array3::from_elem((3, 4, 3), 0.75);
    let row = render::hstack(&[a.view(), b.view()], 2).unwrap();
    assert_eq!(row.dim(), (3, 8, 3));
    assert_eq!(pixel(&row, 2, 1), [0.25; 3]);
    assert_eq!(pixel(&row, 1, 2), [0.0; 3]);
    assert_eq!(pixel(&row, 1, 3), [0.0; 3]);
    assert_eq!(pixel(&row, 0, 4), [0.75; 3]);
    let short = Array3::<f64>::zeros((2, 2, 3));
    assert!(matches!(
        render::hstack(&[a.view(), short.view()], 1).unwrap_err(),
        LrpError::ShapeMismatch { .. }
    ));
    assert!(render::hstack(&[], 1).is_err());
}

#[test]
fn vstack_puts_black_gaps_between_rows() {
    let a = Array3::from_elem((2, 3, 3), 0.25);
    let b = Array3::from_elem((4, 3, 3), 0.75);
    let grid = render::vstack(&[a.view(), b.view()], 2).unwrap();
    assert_eq!(grid.dim(), (8, 3, 3));
    assert_eq!(pixel(&grid, 1, 2), [0.25; 3]);
    assert_eq!(pixel(&grid, 2, 1), [0.0; 3]);
    assert_eq!(pixel(&grid, 3, 0), [0.0; 3]);
    assert_eq!(pixel(&grid, 4, 0), [0.75; 3]);
    assert_eq!(pixel(&grid, 7, 2), [0.75; 3]);
    // One image is returned as it is; rows of hstack stack into a grid.
    assert_eq!(render::vstack(&[b.view()], 5).unwrap(), b);
    let row = render::hstack(&[a.view(), a.view()], 1).unwrap();
    assert_eq!(
        render::vstack(&[row.view(), row.view()], 1).unwrap().dim(),
        (5, 7, 3)
    );
    let narrow = Array3::<f64>::zeros((2, 2, 3));
    assert!(matches!(
        render::vstack(&[a.view(), narrow.view()], 1).unwrap_err(),
        LrpError::ShapeMismatch { .. }
    ));
    let grey = Array3::<f64>::zeros((2, 3, 1));
    assert!(matches!(
        render::vstack(&[a.view(), grey.view()], 1).unwrap_err(),
        LrpError::ShapeMismatch { .. }
    ));
    assert!(render::vstack(&[], 1).is_err());
    assert!(matches!(
        render::vstack(&[a.view(), a.view()], usize::MAX).unwrap_err(),
        LrpError::BadParameter { .. }
    ));
}

// ---------------------------------------------------------------------------------------
// digit_to_rgb and hm_to_rgb
// ---------------------------------------------------------------------------------------

#[test]
fn digit_to_rgb_scales_min_to_white_and_max_to_black() {
    let x = array![[-1.0, 0.0], [0.5, 1.0]];
    let img = render::digit_to_rgb(x.view().into_dyn(), 2, None, "binary").unwrap();
    assert_eq!(img.dim(), (4, 4, 3));
    assert_eq!(pixel(&img, 0, 0), [1.0; 3]);
    assert_eq!(pixel(&img, 3, 3), [0.0; 3]);
    // 0 is half way from -1 to 1: row 128 of 1 - gray(255).
    assert!(close(pixel(&img, 0, 3), [0.5; 3]));
    let constant = Array2::from_elem((2, 2), 3.0);
    let img = render::digit_to_rgb(constant.view().into_dyn(), 1, None, "gray").unwrap();
    assert!(img.iter().all(|&v| v == 0.0));
}

#[test]
fn hm_to_rgb_scales_by_the_largest_magnitude() {
    let r = array![[2.0, -1.0], [0.0, 0.5]];
    let img =
        render::hm_to_rgb(r.view().into_dyn(), None, 1, None, 2.0, "black-green", true).unwrap();
    assert!(close(pixel(&img, 0, 0), [0.0, 1.0, 0.0])); // 2 / 2 = 1
    assert!(close(pixel(&img, 0, 1), [0.0, 0.0, 0.5])); // -1 / 2
    assert!(close(pixel(&img, 1, 0), [0.0, 0.0, 0.0]));
    assert!(close(pixel(&img, 1, 1), [0.0, 0.25, 0.0]));
    // Scaling the relevance changes nothing.
    let scaled = render::hm_to_rgb(
        (&r * 1e-9).view().into_dyn(),
        None,
        1,
        None,
        2.0,
        "black-green",
        true,
    )
    .unwrap();
    assert!(scaled
        .iter()
        .zip(img.iter())
        .all(|(a, b)| (a - b).abs() < 1e-12));
    // Without normalising, values are clipped to [-1, 1].
    let raw = render::hm_to_rgb(
        r.view().into_dyn(),
        None,
        1,
        None,
        2.0,
        "black-green",
        false,
    )
    .unwrap();
    assert!(close(pixel(&raw, 0, 0), [0.0, 1.0, 0.0]));
    assert!(close(pixel(&raw, 0, 1), [0.0, 0.0, 1.0]));
    assert!(close(pixel(&raw, 1, 1), [0.0, 0.5, 0.0]));
    // The default map: the largest relevance is jet's last row, zero its middle.
    let jet = render::hm_to_rgb(r.view().into_dyn(), None, 1, None, 2.0, "jet", true).unwrap();
    assert!(close(pixel(&jet, 0, 0), [33.0 / 64.0, 0.0, 0.0]));
    assert!(close(pixel(&jet, 1, 0), [0.5, 1.0, 0.5]));
    // An all-zero map is all "no relevance".
    let zero = Array2::<f64>::zeros((3, 3));
    let img = render::hm_to_rgb(zero.view().into_dyn(), None, 2, None, 2.0, "jet", true).unwrap();
    for px in img.lanes(Axis(2)) {
        assert!(close([px[0], px[1], px[2]], [0.5, 1.0, 0.5]));
    }
}

#[test]
fn hm_to_rgb_shape_scaling_and_errors() {
    let r = ArrayD::from_shape_fn(IxDyn(&[24]), |i| i[0] as f64 - 12.0);
    let img = render::hm_to_rgb(r.view(), None, 3, Some((4, 6)), 2.0, "bwr", true).unwrap();
    assert_eq!(img.dim(), (12, 18, 3));
    // Row-major reshape: element 7 is pixel (1, 1), the block rows 3..6, columns 3..6.
    let expected = Colormap::Bwr.rgb(((7.0 - 12.0) / 12.0 + 1.0) / 2.0);
    for i in 3..6 {
        for j in 3..6 {
            assert!(close(pixel(&img, i, j), expected));
        }
    }
    let e = render::hm_to_rgb(r.view(), None, 3, Some((4, 6)), 2.0, "nope", true).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }));
    let e = render::hm_to_rgb(r.view(), None, 0, Some((4, 6)), 2.0, "jet", true).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { .. }));
    let x = ArrayD::<f64>::zeros(IxDyn(&[25]));
    let e =
        render::hm_to_rgb(r.view(), Some(x.view()), 3, Some((4, 6)), 2.0, "jet", true).unwrap_err();
    assert!(matches!(e, LrpError::ShapeMismatch { .. }));
    let mut bad = r.clone();
    bad[[5]] = f64::NAN;
    match render::hm_to_rgb(bad.view(), None, 1, Some((4, 6)), 2.0, "jet", true).unwrap_err() {
        LrpError::NonFinite { index, .. } => assert_eq!(index, vec![5]),
        other => panic!("expected NonFinite, got {other:?}"),
    }
    let e = render::hm_to_rgb(r.view(), None, 1, Some((4, 6)), -1.0, "jet", true).unwrap_err();
    assert!(matches!(e, LrpError::BadParameter { ref name, .. } if name == "sigma"));
}

// ---------------------------------------------------------------------------------------
// Canny and the outline
// ---------------------------------------------------------------------------------------

fn parse_edges(rows: &[&str]) -> Array2<bool> {
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| {
        rows[i].as_bytes()[j] == b'#'
    })
}

fn show(edges: &Array2<bool>) -> String {
    edges
        .rows()
        .into_iter()
        .map(|r| {
            r.iter()
                .map(|&e| if e { '#' } else { '.' })
                .collect::<String>()
                + "\n"
        })
        .collect()
}

#[test]
fn canny_matches_scikit_image_on_a_square() {
    // skimage.feature.canny(im, sigma=1.0) for this image (scikit-image 0.26).
    let mut im = Array2::from_elem((12, 12), -1.0);
    im.slice_mut(s![3..9, 3..9]).fill(1.0);
    let expected = parse_edges(&[
        "............",
        "............",
        "............",
        "...######...",
        "...#....#...",
        "...#....#...",
        "...#....#...",
        "...#....#...",
        "...######...",
        "............",
        "............",
        "............",
    ]);
    let edges = render::canny(im.view(), 1.0, 0.1, 0.2).unwrap();
    assert_eq!(edges, expected, "\n{}", show(&edges));
}

#[test]
fn canny_matches_scikit_image_on_an_asymmetric_shape() {
    // An off-centre disk above a grey bar; skimage.feature.canny(im, sigma=1.5).
    let im = Array2::from_shape_fn((16, 16), |(i, j)| {
        let (y, x) = (i as f64, j as f64);
        if (11..13).contains(&i) && (2..13).contains(&j) {
            0.5
        } else if (y - 6.5).powi(2) + (x - 7.2).powi(2) < 16.0 {
            1.0
        } else {
            -1.0
        }
    });
    let expected = parse_edges(&[
        "................",
        "................",
        "................",
        ".....######.....",
        "....##....#.....",
        "....#.....##....",
        "....#......#....",
        "....#......#....",
        "....#......#....",
        "....##....##....",
        ".....##...##....",
        "................",
        ".....######.....",
        "..####..........",
        "................",
        "................",
    ]);
    let edges = render::canny(im.view(), 1.5, 0.1, 0.2).unwrap();
    assert_eq!(edges, expected, "\n{}", show(&edges));
    // Thresholds above every gradient leave nothing; bad parameters are refused.
    assert!(!render::canny(im.view(), 1.5, 5.0, 5.0)
        .unwrap()
        .iter()
        .any(|&e| e));
    assert!(render::canny(im.view(), f64::NAN, 0.1, 0.2).is_err());
    assert!(render::canny(im.view(), 1.0, 0.3, 0.2).is_err());
}

#[test]
fn outline_of_a_filled_square_is_black_and_its_inside_is_not() {
    // A 10 x 10 input with a filled square at rows and columns 3..7; the relevance is the
    // input itself. Enlarged 3 times, the square's border runs at 9 and 21.
    let mut x = Array2::from_elem((10, 10), -1.0);
    x.slice_mut(s![3..7, 3..7]).fill(1.0);
    let plain = render::hm_to_rgb(x.view().into_dyn(), None, 3, None, 2.0, "jet", true).unwrap();
    let img = render::hm_to_rgb(
        x.view().into_dyn(),
        Some(x.view().into_dyn()),
        3,
        None,
        2.0,
        "jet",
        true,
    )
    .unwrap();
    assert_eq!(img.dim(), (30, 30, 3));
    let black = |img: &RgbImage, i: usize, j: usize| pixel(img, i, j) == [0.0; 3];
    // Jet has no black: without an input nothing is black.
    assert!(!(0..30).any(|i| (0..30).any(|j| black(&plain, i, j))));

    let big = render::enlarge(x.view().into_dyn(), 3).unwrap();
    let big = big.into_dimensionality::<ndarray::Ix2>().unwrap();
    let edges = render::canny(big.view(), 2.0, 0.1, 0.2).unwrap();
    // Pixels where the input changes to a 4-neighbour: the square's border, both sides.
    let border = |i: usize, j: usize| {
        let v = big[[i, j]];
        (i > 0 && big[[i - 1, j]] != v)
            || (i < 29 && big[[i + 1, j]] != v)
            || (j > 0 && big[[i, j - 1]] != v)
            || (j < 29 && big[[i, j + 1]] != v)
    };
    let mut count = 0;
    for i in 0..30 {
        for j in 0..30 {
            if edges[[i, j]] {
                count += 1;
                assert!(black(&img, i, j), "edge pixel ({i}, {j}) is not black");
                // On the square's border, give or take a pixel (corners are cut).
                let near = (i.saturating_sub(1)..=(i + 1).min(29))
                    .any(|a| (j.saturating_sub(1)..=(j + 1).min(29)).any(|b| border(a, b)));
                assert!(near, "edge pixel ({i}, {j}) is off the border");
            } else {
                assert_eq!(pixel(&img, i, j), pixel(&plain, i, j), "({i}, {j})");
            }
        }
    }
    // The outline goes all the way round: every side has black pixels along its length.
    assert!(count >= 4 * 10, "only {count} edge pixels");
    for k in 10..20 {
        assert!(
            (8..=10).any(|i| black(&img, i, k)),
            "top side at column {k}"
        );
        assert!(
            (20..=22).any(|i| black(&img, i, k)),
            "bottom side at column {k}"
        );
        assert!((8..=10).any(|j| black(&img, k, j)), "left side at row {k}");
        assert!(
            (20..=22).any(|j| black(&img, k, j)),
            "right side at row {k}"
        );
    }
    // Inside and outside keep their colours: +1 is jet's last row, -1 its first.
    assert!(close(pixel(&img, 15, 15), [33.0 / 64.0, 0.0, 0.0]));
    assert!(close(pixel(&img, 2, 2), [0.0, 0.0, 33.0 / 64.0]));
}

// ---------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------

/// Decodes a PNG with the `png` crate: (width, height, colour type, bit depth, bytes).
fn decode(path: &std::path::Path) -> (u32, u32, png::ColorType, png::BitDepth, Vec<u8>) {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut reader = png::Decoder::new(file).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (
        info.width,
        info.height,
        info.color_type,
        info.bit_depth,
        buf,
    )
}

fn to_u8(v: f64) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

#[test]
fn save_image_writes_the_images_side_by_side_as_png() {
    let x = Array2::from_shape_fn((8, 8), |(i, j)| ((i * 8 + j) as f64 / 32.0) - 1.0);
    let r = Array2::from_shape_fn((8, 8), |(i, j)| (i as f64 - 3.5) * (j as f64 - 2.0));
    let digit = render::digit_to_rgb(x.view().into_dyn(), 2, None, "binary").unwrap();
    let heat = render::hm_to_rgb(
        r.view().into_dyn(),
        Some(x.view().into_dyn()),
        2,
        None,
        1.0,
        "coldnhot",
        true,
    )
    .unwrap();
    let path = temp_path("pair.png");
    let saved = render::save_image(&[digit.view(), heat.view()], &path, 3).unwrap();
    assert_eq!(saved.dim(), (16, 16 + 3 + 16, 3));

    let (w, h, colour, depth, bytes) = decode(&path);
    assert_eq!((w, h), (35, 16));
    assert_eq!((colour, depth), (png::ColorType::Rgb, png::BitDepth::Eight));
    assert_eq!(bytes.len(), 35 * 16 * 3);
    for i in 0..16 {
        for j in 0..35 {
            for c in 0..3 {
                let expected = match j {
                    0..16 => to_u8(digit[[i, j, c]]),
                    16..19 => 0,
                    _ => to_u8(heat[[i, j - 19, c]]),
                };
                assert_eq!(
                    bytes[(i * 35 + j) * 3 + c],
                    expected,
                    "pixel ({i}, {j}) channel {c}"
                );
            }
        }
    }
    // read_png gives the 8-bit values back in [0, 1].
    let back = render::read_png(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(back.dim(), saved.dim());
    for (a, b) in back.iter().zip(saved.iter()) {
        assert!((a - b).abs() <= 0.5 / 255.0 + 1e-12);
    }
}

#[test]
fn png_clips_and_rounds_and_refuses_bad_images() {
    let img = array![[[-0.5, 0.5, 1.5], [0.2, 0.998, 0.0019]]];
    let mut buf = Vec::new();
    render::encode_png(img.view(), &mut buf).unwrap();
    let path = temp_path("clip.png");
    std::fs::write(&path, &buf).unwrap();
    let (w, h, _, _, bytes) = decode(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!((w, h), (2, 1));
    assert_eq!(bytes, vec![0, 128, 255, 51, 254, 0]);

    let mut nan = img.clone();
    nan[[0, 1, 2]] = f64::NAN;
    let path = temp_path("nan.png");
    assert!(matches!(
        render::write_png(nan.view(), &path).unwrap_err(),
        LrpError::NonFinite { .. }
    ));
    assert!(!path.exists(), "nothing written for a bad image");
    let grey = Array3::<f64>::zeros((2, 2, 1));
    assert!(matches!(
        render::write_png(grey.view(), &path).unwrap_err(),
        LrpError::ShapeMismatch { .. }
    ));
    let missing = temp_path("no-such-dir").join("a.png");
    match render::write_png(img.view(), &missing).unwrap_err() {
        LrpError::Io { path, .. } => assert_eq!(path, missing),
        other => panic!("expected Io, got {other:?}"),
    }
    let not_png = temp_path("not.png");
    std::fs::write(&not_png, b"GIF89a").unwrap();
    let e = render::read_png(&not_png).unwrap_err();
    std::fs::remove_file(&not_png).unwrap();
    assert!(matches!(e, LrpError::Parse { .. }));
}

// ---------------------------------------------------------------------------------------
// Through the C ABI
// ---------------------------------------------------------------------------------------

/// A row-major H x W x C array in column-major memory.
fn to_col_major(a: &ArrayD<f64>) -> Vec<f64> {
    a.t().iter().copied().collect()
}

#[test]
fn c_abi_hm_to_rgb_matches_the_core_in_both_layouts() {
    let (h, w, scaling) = (5usize, 7usize, 2usize);
    let r = Array2::from_shape_fn((h, w), |(i, j)| (i as f64 - 2.0) * (j as f64 - 3.0));
    let mut x = Array2::from_elem((h, w), -1.0);
    x.slice_mut(s![1..4, 2..6]).fill(1.0);
    let core = render::hm_to_rgb(
        r.view().into_dyn(),
        Some(x.view().into_dyn()),
        scaling,
        Some((h, w)),
        1.0,
        "seismic",
        true,
    )
    .unwrap()
    .into_dyn();
    let n = h * scaling * w * scaling * 3;
    let cmap = CString::new("SEISMIC").unwrap();

    let (r_row, x_row): (Vec<f64>, Vec<f64>) =
        (r.iter().copied().collect(), x.iter().copied().collect());
    let mut out = vec![-1.0; n];
    let st = unsafe {
        ffi::lrp_render_hm_to_rgb(
            r_row.as_ptr(),
            h * w,
            h,
            w,
            x_row.as_ptr(),
            h * w,
            scaling,
            1.0,
            cmap.as_ptr(),
            1,
            ffi::LRP_LAYOUT_ROW_MAJOR,
            out.as_mut_ptr(),
            n,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    assert_eq!(out, core.iter().copied().collect::<Vec<_>>());

    let r_col = to_col_major(&r.clone().into_dyn());
    let x_col = to_col_major(&x.clone().into_dyn());
    let mut out = vec![-1.0; n];
    let st = unsafe {
        ffi::lrp_render_hm_to_rgb(
            r_col.as_ptr(),
            h * w,
            h,
            w,
            x_col.as_ptr(),
            h * w,
            scaling,
            1.0,
            cmap.as_ptr(),
            1,
            ffi::LRP_LAYOUT_COL_MAJOR,
            out.as_mut_ptr(),
            n,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    assert_eq!(out, to_col_major(&core));

    // NULL x: no outline; NULL cmap: jet.
    let mut out = vec![0.0; n];
    let st = unsafe {
        ffi::lrp_render_hm_to_rgb(
            r_row.as_ptr(),
            h * w,
            h,
            w,
            std::ptr::null(),
            0,
            scaling,
            2.0,
            std::ptr::null(),
            1,
            ffi::LRP_LAYOUT_ROW_MAJOR,
            out.as_mut_ptr(),
            n,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    let jet = render::hm_to_rgb(
        r.view().into_dyn(),
        None,
        scaling,
        Some((h, w)),
        2.0,
        "jet",
        true,
    )
    .unwrap();
    assert_eq!(out, jet.iter().copied().collect::<Vec<_>>());

    // A short output buffer or an unknown map: an error and the buffer untouched.
    let mut short = vec![7.0; n - 1];
    let st = unsafe {
        ffi::lrp_render_hm_to_rgb(
            r_row.as_ptr(),
            h * w,
            h,
            w,
            std::ptr::null(),
            0,
            scaling,
            2.0,
            std::ptr::null(),
            1,
            ffi::LRP_LAYOUT_ROW_MAJOR,
            short.as_mut_ptr(),
            n - 1,
        )
    };
    assert_eq!(st, ffi::LRP_ERR_SHAPE_MISMATCH);
    assert!(short.iter().all(|&v| v == 7.0));
    let bad = CString::new("rainbow").unwrap();
    let st = unsafe {
        ffi::lrp_render_hm_to_rgb(
            r_row.as_ptr(),
            h * w,
            h,
            w,
            std::ptr::null(),
            0,
            scaling,
            2.0,
            bad.as_ptr(),
            1,
            ffi::LRP_LAYOUT_ROW_MAJOR,
            out.as_mut_ptr(),
            n,
        )
    };
    assert_eq!(st, ffi::LRP_ERR_INVALID_ARGUMENT);
    let msg = unsafe { std::ffi::CStr::from_ptr(ffi::lrp_last_error()) }
        .to_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("rainbow"), "{msg}");
}

#[test]
fn c_abi_colormap_digit_enlarge_corners_and_canny() {
    let jet = CString::new("jet").unwrap();
    let u = [0.0, 0.5, 1.0];
    let mut rgb = [0.0; 9];
    let st = unsafe {
        ffi::lrp_render_colormap(
            jet.as_ptr(),
            u.as_ptr(),
            3,
            ffi::LRP_LAYOUT_COL_MAJOR,
            rgb.as_mut_ptr(),
            9,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    let d = 33.0 / 64.0;
    // Column-major 3 x 3: the reds, then the greens, then the blues.
    assert_eq!(rgb, [0.0, 0.5, d, 0.0, 1.0, 0.0, d, 0.5, 0.0]);

    let x = [0.0, 1.0, 2.0, 3.0]; // 2 x 2, row-major
    let mut out = [0.0; 2 * 2 * 3];
    let st = unsafe {
        ffi::lrp_render_digit_to_rgb(
            x.as_ptr(),
            4,
            2,
            2,
            1,
            std::ptr::null(),
            ffi::LRP_LAYOUT_ROW_MAJOR,
            out.as_mut_ptr(),
            12,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    assert_eq!(&out[..3], &[1.0; 3]); // the minimum is white in "binary"
    assert_eq!(&out[9..], &[0.0; 3]); // the maximum black

    let img = ArrayD::from_shape_fn(IxDyn(&[2, 3, 2]), |i| (i[0] * 6 + i[1] * 2 + i[2]) as f64);
    let col = to_col_major(&img);
    let mut big = vec![0.0; 4 * 6 * 2];
    let st = unsafe {
        ffi::lrp_render_enlarge(
            col.as_ptr(),
            12,
            2,
            3,
            2,
            2,
            ffi::LRP_LAYOUT_COL_MAJOR,
            big.as_mut_ptr(),
            48,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    let expected = render::enlarge(img.view(), 2).unwrap();
    assert_eq!(big, to_col_major(&expected));

    let rgb = Array3::from_shape_fn((3, 3, 3), |(i, j, c)| (i * 3 + j) as f64 + c as f64);
    let mut core = rgb.clone();
    render::repaint_corner_pixels(&mut core, 1).unwrap();
    let mut buf: Vec<f64> = rgb.iter().copied().collect();
    let st = unsafe {
        ffi::lrp_render_repaint_corner_pixels(
            buf.as_mut_ptr(),
            27,
            3,
            3,
            1,
            ffi::LRP_LAYOUT_ROW_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    assert_eq!(buf, core.iter().copied().collect::<Vec<_>>());

    let mut sq = Array2::from_elem((12, 12), -1.0);
    sq.slice_mut(s![3..9, 3..9]).fill(1.0);
    let core = render::canny(sq.view(), 1.0, 0.1, 0.2).unwrap();
    let flat: Vec<f64> = sq.iter().copied().collect();
    let mut edges = vec![-1.0; 144];
    let st = unsafe {
        ffi::lrp_render_canny(
            flat.as_ptr(),
            144,
            12,
            12,
            1.0,
            0.1,
            0.2,
            ffi::LRP_LAYOUT_ROW_MAJOR,
            edges.as_mut_ptr(),
            144,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    assert_eq!(
        edges,
        core.iter()
            .map(|&e| if e { 1.0 } else { 0.0 })
            .collect::<Vec<_>>()
    );
}

#[test]
fn c_abi_saves_png_one_image_or_several_side_by_side() {
    let a = Array3::from_shape_fn((4, 3, 3), |(i, j, c)| (i * 9 + j * 3 + c) as f64 / 40.0);
    let b = Array3::from_shape_fn((4, 2, 3), |(i, j, c)| {
        1.0 - (i * 6 + j * 3 + c) as f64 / 30.0
    });
    // MATLAB: horzcat(a, b) is a 4 x 5 x 3 array, passed in column-major memory.
    let both = ndarray::concatenate(Axis(1), &[a.view(), b.view()])
        .unwrap()
        .into_dyn();
    let col = to_col_major(&both);
    let path = temp_path("c-pair.png");
    let cp = CString::new(path.to_str().unwrap()).unwrap();
    let widths = [3i32, 2];
    let st = unsafe {
        ffi::lrp_render_save_images_png(
            cp.as_ptr(),
            col.as_ptr(),
            col.len(),
            4,
            widths.as_ptr(),
            2,
            2,
            ffi::LRP_LAYOUT_COL_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    let (w, h, _, _, bytes) = decode(&path);
    assert_eq!((w, h), (7, 4));
    let core = render::hstack(&[a.view(), b.view()], 2).unwrap();
    let expected: Vec<u8> = core.iter().map(|&v| to_u8(v)).collect();
    assert_eq!(bytes, expected);

    let one: Vec<f64> = a.iter().copied().collect();
    let st = unsafe {
        ffi::lrp_render_save_png(
            cp.as_ptr(),
            one.as_ptr(),
            one.len(),
            4,
            3,
            ffi::LRP_LAYOUT_ROW_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_OK);
    let (w, h, _, _, bytes) = decode(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!((w, h), (3, 4));
    assert_eq!(bytes, a.iter().map(|&v| to_u8(v)).collect::<Vec<u8>>());

    let bad_widths = [3i32, 0];
    let st = unsafe {
        ffi::lrp_render_save_images_png(
            cp.as_ptr(),
            col.as_ptr(),
            col.len(),
            4,
            bad_widths.as_ptr(),
            2,
            2,
            ffi::LRP_LAYOUT_COL_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_ERR_INVALID_ARGUMENT);
    let st = unsafe {
        ffi::lrp_render_save_images_png(
            cp.as_ptr(),
            col.as_ptr(),
            col.len() - 1,
            4,
            widths.as_ptr(),
            2,
            2,
            ffi::LRP_LAYOUT_COL_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_ERR_SHAPE_MISMATCH);
    let st = unsafe {
        ffi::lrp_render_save_images_png(
            cp.as_ptr(),
            col.as_ptr(),
            col.len(),
            4,
            std::ptr::null(),
            2,
            2,
            ffi::LRP_LAYOUT_COL_MAJOR,
        )
    };
    assert_eq!(st, ffi::LRP_ERR_NULL_ARGUMENT);
    assert!(!path.exists());
}
