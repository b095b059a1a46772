//! Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (Golub & Van
//! Loan, Matrix Computations, 4th ed., §8.5): plane rotations zero the off-diagonal entries one
//! by one, sweep after sweep, until they are negligible. Quadratically convergent, accurate for
//! small eigenvalues, and short: enough for CMA-ES covariance matrices (n up to ~40).

/// Eigenvalues and eigenvectors of a symmetric matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricEigen {
    /// Eigenvalues, in no particular order.
    pub values: Vec<f64>,
    /// Row-major `n × n`: column `j` is the unit eigenvector of `values[j]`.
    pub vectors: Vec<Vec<f64>>,
}

/// The most sweeps before giving up (convergence takes well under 15 for n <= 40).
const MAX_SWEEPS: usize = 60;

/// Decomposes the symmetric matrix `a` (row-major; only its upper triangle is read) as
/// `a = V diag(values) Vᵀ`. Returns `None` if an entry is not finite or the sweeps do not
/// converge.
pub fn symmetric_eigen(a: &[Vec<f64>]) -> Option<SymmetricEigen> {
    let n = a.len();
    let mut m: Vec<Vec<f64>> =
        (0..n).map(|i| (0..n).map(|j| if i <= j { a[i][j] } else { a[j][i] }).collect()).collect();
    if m.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    let mut v: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect()).collect();
    let scale: f64 = m.iter().flatten().map(|x| x * x).sum::<f64>().sqrt();
    if scale == 0.0 {
        return Some(SymmetricEigen { values: vec![0.0; n], vectors: v });
    }
    for _ in 0..MAX_SWEEPS {
        let off: f64 = (0..n).flat_map(|i| ((i + 1)..n).map(move |j| (i, j))).map(|(i, j)| m[i][j] * m[i][j]).sum();
        if off.sqrt() <= f64::EPSILON * 1e-2 * scale {
            let values = (0..n).map(|i| m[i][i]).collect();
            return Some(SymmetricEigen { values, vectors: v });
        }
        for p in 0..n {
            for q in (p + 1)..n {
                if m[p][q] == 0.0 {
                    continue;
                }
                // Rotation angle that zeroes m[p][q] (Golub & Van Loan, Algorithm 8.5.1).
                let theta = (m[q][q] - m[p][p]) / (2.0 * m[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in m.iter_mut() {
                    let (mkp, mkq) = (row[p], row[q]);
                    row[p] = c * mkp - s * mkq;
                    row[q] = s * mkp + c * mkq;
                }
                let (head, tail) = m.split_at_mut(q);
                for (mpk, mqk) in head[p].iter_mut().zip(tail[0].iter_mut()) {
                    let (x, y) = (*mpk, *mqk);
                    *mpk = c * x - s * y;
                    *mqk = s * x + c * y;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;
    use rand::RngExt;

    /// `‖A V − V Λ‖` and `‖Vᵀ V − I‖`, the largest entries.
    fn residuals(a: &[Vec<f64>], e: &SymmetricEigen) -> (f64, f64) {
        let n = a.len();
        let (mut res, mut orth) = (0.0f64, 0.0f64);
        for (i, row) in a.iter().enumerate() {
            for j in 0..n {
                let av: f64 = row.iter().zip(&e.vectors).map(|(aik, vk)| aik * vk[j]).sum();
                res = res.max((av - e.vectors[i][j] * e.values[j]).abs());
                let vv: f64 = e.vectors.iter().map(|vk| vk[i] * vk[j]).sum();
                orth = orth.max((vv - f64::from(u8::from(i == j))).abs());
            }
        }
        (res, orth)
    }

    #[test]
    fn known_two_by_two_and_diagonal() {
        let e = symmetric_eigen(&[vec![2.0, 1.0], vec![1.0, 2.0]]).expect("converges");
        let mut values = e.values.clone();
        values.sort_by(f64::total_cmp);
        assert!((values[0] - 1.0).abs() < 1e-14 && (values[1] - 3.0).abs() < 1e-14);
        let e = symmetric_eigen(&[vec![5.0, 0.0], vec![0.0, -1.0]]).expect("converges");
        assert_eq!(e.values, vec![5.0, -1.0]);
        let zero = symmetric_eigen(&[vec![0.0; 3], vec![0.0; 3], vec![0.0; 3]]).expect("zero matrix");
        assert_eq!(zero.values, vec![0.0; 3]);
        assert!(symmetric_eigen(&[vec![f64::NAN]]).is_none());
    }

    #[test]
    fn random_symmetric_matrices_up_to_forty() {
        let mut rng = stream_rng(3, "jacobi-test");
        for n in [1usize, 2, 3, 7, 20, 40] {
            let upper: Vec<f64> = (0..n * n).map(|_| rng.random::<f64>() * 2.0 - 1.0).collect();
            let a: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| upper[i.min(j) * n + i.max(j)]).collect()).collect();
            let e = symmetric_eigen(&a).expect("converges");
            let (res, orth) = residuals(&a, &e);
            assert!(res < 1e-12 && orth < 1e-12, "n={n}: {res} {orth}");
            let trace: f64 = (0..n).map(|i| a[i][i]).sum();
            assert!((trace - e.values.iter().sum::<f64>()).abs() < 1e-11);
        }
    }

    #[test]
    fn ill_conditioned_covariance_keeps_small_eigenvalues() {
        // Q diag(1e-10, 1, 1e6) Qᵀ with a rotation Q: every eigenvalue to within ε‖A‖.
        let (c, s) = (0.6f64, 0.8f64);
        let q = [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]];
        let q2 = [[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]];
        let rot: Vec<Vec<f64>> =
            (0..3).map(|i| (0..3).map(|j| (0..3).map(|k| q[i][k] * q2[k][j]).sum()).collect()).collect();
        let lambda = [1e-10, 1.0, 1e6];
        let a: Vec<Vec<f64>> =
            (0..3).map(|i| (0..3).map(|j| (0..3).map(|k| rot[i][k] * lambda[k] * rot[j][k]).sum()).collect()).collect();
        let e = symmetric_eigen(&a).expect("converges");
        let mut values = e.values.clone();
        values.sort_by(f64::total_cmp);
        assert!((values[2] - 1e6).abs() < 1e-6 && (values[1] - 1.0).abs() < 1e-9);
        assert!(values[0].abs() < 1e-9, "{}", values[0]);
    }
}
