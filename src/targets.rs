//! Which outputs of an N x C network an explanation starts from ([`Targets`]), and the
//! relevance (or gradient) batches they give: one place for the C options, the command
//! line and [`crate::Network::explain_targets`].

use crate::element::Element;
use crate::error::{LrpError, Result};
use ndarray::{ArrayD, IxDyn};

/// Which outputs an explanation starts from, for a network whose output is N x C.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Targets<'a> {
    /// Each sample's highest output (the first maximum, as numpy's argmax): one map.
    Top,
    /// Sample n explained for class `classes[n]`: one map.
    PerSample(&'a [usize]),
    /// One map per listed class, every sample explained for that class.
    Each(&'a [usize]),
    /// One map of the sum of the listed classes' outputs (the Caffe toolbox's class set).
    Set(&'a [usize]),
}

impl Targets<'_> {
    /// How many maps the explanation gives.
    pub fn maps(&self) -> usize {
        match self {
            Targets::Each(classes) => classes.len(),
            _ => 1,
        }
    }

    /// Fails unless the targets fit an N x C output: classes below C, one per sample for
    /// `PerSample`, at least one for `Each` and `Set`.
    pub fn check(&self, n: usize, c: usize) -> Result<()> {
        let classes = match self {
            Targets::Top => return Ok(()),
            Targets::PerSample(classes) => {
                if classes.len() != n {
                    return Err(LrpError::shape(
                        "classes (one per sample)",
                        &[n],
                        &[classes.len()],
                    ));
                }
                classes
            }
            Targets::Each(classes) | Targets::Set(classes) => {
                if classes.is_empty() {
                    return Err(LrpError::param("classes", "holds no class"));
                }
                classes
            }
        };
        match classes.iter().enumerate().find(|(_, &k)| k >= c) {
            Some((i, &k)) => Err(LrpError::param(
                "classes",
                format!("classes[{i}] must be below {c} (the network's classes), given {k}"),
            )),
            None => Ok(()),
        }
    }

    /// The batches (N x C, one per map) an explanation of the output `y` starts from:
    /// `y` kept at the targets and zero elsewhere (`values`, LRP's start), or the targets'
    /// one-hot masks (the gradient methods' dy). The targets must fit `y` ([`check`]).
    ///
    /// [`check`]: Targets::check
    pub(crate) fn batches<T: Element>(&self, y: &ArrayD<T>, values: bool) -> Vec<ArrayD<T>> {
        let (n, c) = (y.shape()[0], y.shape()[1]);
        let pick = |r: &mut ArrayD<T>, s: usize, k: usize| {
            r[[s, k]] = if values { y[[s, k]] } else { T::one() };
        };
        let zeros = || ArrayD::<T>::zeros(IxDyn(&[n, c]));
        match self {
            Targets::Top => {
                let mut r = zeros();
                for s in 0..n {
                    let k =
                        (0..c).fold(0, |best, k| if y[[s, k]] > y[[s, best]] { k } else { best });
                    pick(&mut r, s, k);
                }
                vec![r]
            }
            Targets::PerSample(classes) => {
                let mut r = zeros();
                for (s, &k) in classes.iter().enumerate() {
                    pick(&mut r, s, k);
                }
                vec![r]
            }
            Targets::Set(classes) => {
                let mut r = zeros();
                for s in 0..n {
                    for &k in classes.iter() {
                        pick(&mut r, s, k);
                    }
                }
                vec![r]
            }
            Targets::Each(classes) => classes
                .iter()
                .map(|&k| {
                    let mut r = zeros();
                    for s in 0..n {
                        pick(&mut r, s, k);
                    }
                    r
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_by_hand() {
        let y = ndarray::arr2(&[[1.0, 3.0, 2.0], [5.0, -1.0, 5.0]]).into_dyn();
        let top = Targets::Top.batches(&y, true);
        assert_eq!(
            top,
            vec![ndarray::arr2(&[[0.0, 3.0, 0.0], [5.0, 0.0, 0.0]]).into_dyn()]
        );
        let per = Targets::PerSample(&[2, 1]).batches(&y, false);
        assert_eq!(
            per,
            vec![ndarray::arr2(&[[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]).into_dyn()]
        );
        let set = Targets::Set(&[0, 2]).batches(&y, true);
        assert_eq!(
            set,
            vec![ndarray::arr2(&[[1.0, 0.0, 2.0], [5.0, 0.0, 5.0]]).into_dyn()]
        );
        let each = Targets::Each(&[1, 0]).batches(&y, true);
        assert_eq!(each.len(), 2);
        assert_eq!(
            each[1],
            ndarray::arr2(&[[1.0, 0.0, 0.0], [5.0, 0.0, 0.0]]).into_dyn()
        );
        assert_eq!(Targets::Each(&[1, 0]).maps(), 2);
        assert!(Targets::PerSample(&[0]).check(2, 3).is_err());
        assert!(Targets::Each(&[3]).check(2, 3).is_err());
        assert!(Targets::Set(&[]).check(2, 3).is_err());
        assert!(Targets::Set(&[2]).check(2, 3).is_ok());
    }
}
