//! Point marks that tell lines apart where they overlap, and the days they go on.
//!
//! Colour alone cannot separate lines drawn on top of each other (five
//! providers at reputation 0, or at High, in the same pixels). Each line of a
//! run chart therefore carries its own mark shape every few days, the lines'
//! marks staggered so that they never share a day: a line hidden under
//! another still shows its marks.

use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{BackendCoord, DrawingErrorKind};

/// A mark shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A filled circle.
    Circle,
    /// A filled square.
    Square,
    /// A filled triangle, point up.
    Triangle,
    /// A filled diamond.
    Diamond,
    /// A filled triangle, point down.
    TriangleDown,
    /// An x.
    Cross,
}

impl Mark {
    /// Every shape, in the order series get them.
    pub const ALL: [Mark; 6] =
        [Mark::Circle, Mark::Square, Mark::Triangle, Mark::Diamond, Mark::TriangleDown, Mark::Cross];

    /// The shape of series `i` (cycled).
    pub fn nth(i: usize) -> Mark {
        Self::ALL[i % Self::ALL.len()]
    }

    /// The shape centred at `at` (any coordinate), about `r` pixels in radius,
    /// filled with `color` and outlined in white so that marks on top of each
    /// other stay apart: an element for `draw_series` or `DrawingArea::draw`,
    /// on any backend.
    pub fn element<C>(self, at: C, r: i32, color: RGBColor) -> MarkElement<C> {
        MarkElement { at, mark: self, r, color }
    }
}

/// A [`Mark`] at a point, drawn in pixels around it (see [`Mark::element`]).
#[derive(Debug, Clone)]
pub struct MarkElement<C> {
    at: C,
    mark: Mark,
    r: i32,
    color: RGBColor,
}

impl<'a, C> PointCollection<'a, C> for &'a MarkElement<C> {
    type Point = &'a C;
    type IntoIter = std::iter::Once<&'a C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for MarkElement<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut points: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = points.next() else { return Ok(()) };
        let (r, fill, edge) = (self.r, self.color.filled(), WHITE.stroke_width(1));
        let mut polygon = |offsets: &[(i32, i32)]| {
            let vertices: Vec<BackendCoord> = offsets.iter().map(|&(dx, dy)| (x + dx, y + dy)).collect();
            backend.fill_polygon(vertices.iter().copied(), &fill)?;
            let closed = vertices.iter().chain(vertices.first()).copied();
            backend.draw_path(closed, &edge)
        };
        match self.mark {
            Mark::Circle => {
                backend.draw_circle((x, y), r as u32, &fill, true)?;
                backend.draw_circle((x, y), r as u32, &edge, false)
            }
            Mark::Square => {
                let s = r * 8 / 10;
                polygon(&[(-s, -s), (s, -s), (s, s), (-s, s)])
            }
            Mark::Triangle => polygon(&[(0, -r - 1), (r + 1, r * 7 / 10), (-r - 1, r * 7 / 10)]),
            Mark::TriangleDown => polygon(&[(0, r + 1), (r + 1, -r * 7 / 10), (-r - 1, -r * 7 / 10)]),
            Mark::Diamond => polygon(&[(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)]),
            Mark::Cross => {
                let stroke = self.color.stroke_width(3);
                backend.draw_line((x - r, y - r), (x + r, y + r), &stroke)?;
                backend.draw_line((x - r, y + r), (x + r, y - r), &stroke)
            }
        }
    }
}

/// The days (1-based, in `1..=n_days`) on which series `index` of `n_series`
/// carries its mark: every `step` days, each series shifted by its share of a
/// step so that no two series mark the same day (while `n_series <= step`).
pub fn mark_days(n_days: usize, index: usize, n_series: usize) -> Vec<usize> {
    let step = mark_step(n_days, n_series);
    let offset = 1 + index * step / n_series.max(1);
    (offset..=n_days).step_by(step).collect()
}

/// Days between two marks of a series: about eight marks per series over the
/// run, and at least one day per series so that marks are never on the same day.
fn mark_step(n_days: usize, n_series: usize) -> usize {
    (n_days / 8).max(n_series).max(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_never_mark_the_same_day() {
        for (n_days, n_series) in [(42, 5), (56, 3), (7, 5), (365, 8), (1, 1), (10, 12)] {
            let days: Vec<Vec<usize>> = (0..n_series).map(|i| mark_days(n_days, i, n_series)).collect();
            for (i, a) in days.iter().enumerate() {
                assert!(a.iter().all(|&d| (1..=n_days).contains(&d)), "{n_days} days: {a:?}");
                for b in &days[i + 1..] {
                    assert!(a.iter().all(|d| !b.contains(d)), "{n_days} days, {n_series} series: {a:?} {b:?}");
                }
            }
            if n_days >= 2 * n_series {
                assert!(days.iter().all(|d| !d.is_empty()), "{n_days} days, {n_series} series: {days:?}");
            }
        }
        assert_eq!(Mark::nth(7), Mark::Square);
    }
}
