//! A stable merge sort that never panics, whatever the comparator does.
//!
//! `slice::sort` may panic when `Ord` is not a total order. Some native
//! orderings are not (Maven's ComparableVersion: `1 < 1.a.1 < 1-rc < 1`),
//! and this crate must not panic on input.
//!
//! The merge sort orders positions, not the elements: the elements sorted
//! here (versions, intervals of two versions) are large, and moving them
//! through every level of the merge, with a new vector per level, was most
//! of the cost of compiling a range. Positions are merged in a scratch
//! buffer (on the stack for short inputs, where allocation would dominate),
//! then each element moves once, by swaps along the permutation's cycles
//! (none when the input is already sorted). The comparisons made, and so
//! the result, are those of a plain top-down merge sort, even for a
//! comparator that is not a total order.

use std::cmp::Ordering;

/// Inputs up to this length sort their positions on the stack.
const STACK: usize = 32;

/// Sort `v` stably with `cmp`; never panics.
pub fn sort_by<T, F: FnMut(&T, &T) -> Ordering>(v: &mut [T], mut cmp: F) {
    let n = v.len();
    if n < 2 {
        return;
    }
    if n <= STACK {
        let mut order = [0usize; STACK];
        let mut scratch = [0usize; STACK];
        if let (Some(order), Some(scratch)) = (order.get_mut(..n), scratch.get_mut(..n)) {
            sort_positions(v, order, scratch, &mut cmp);
        }
    } else {
        let mut order = vec![0usize; n];
        let mut scratch = vec![0usize; n];
        sort_positions(v, &mut order, &mut scratch, &mut cmp);
    }
}

/// Sort `v` through `order` (its positions) and `scratch`, both of
/// `v.len()`.
fn sort_positions<T, F: FnMut(&T, &T) -> Ordering>(
    v: &mut [T],
    order: &mut [usize],
    scratch: &mut [usize],
    cmp: &mut F,
) {
    for (i, o) in order.iter_mut().enumerate() {
        *o = i;
    }
    merge_sort(v, order, scratch, cmp);
    permute(v, order);
}

/// Top-down merge sort of the positions `idx` of `items` (left half
/// `..len / 2`; on ties the left element first); `scratch` has the length
/// of `idx`.
fn merge_sort<T, F: FnMut(&T, &T) -> Ordering>(
    items: &[T],
    idx: &mut [usize],
    scratch: &mut [usize],
    cmp: &mut F,
) {
    let n = idx.len();
    if n < 2 {
        return;
    }
    let mid = n / 2;
    {
        let (l, r) = idx.split_at_mut(mid);
        let (sl, sr) = scratch.split_at_mut(mid);
        merge_sort(items, l, sl, cmp);
        merge_sort(items, r, sr, cmp);
    }
    let (l, r) = idx.split_at(mid);
    let (mut i, mut j) = (0, 0);
    for out in scratch.iter_mut() {
        let take_right = match (l.get(i), r.get(j)) {
            (Some(&a), Some(&b)) => match (items.get(b), items.get(a)) {
                (Some(y), Some(x)) => cmp(y, x) == Ordering::Less,
                _ => false,
            },
            (Some(_), None) => false,
            (None, _) => true,
        };
        let next = if take_right {
            j += 1;
            r.get(j - 1)
        } else {
            i += 1;
            l.get(i - 1)
        };
        *out = next.copied().unwrap_or_default();
    }
    for (d, s) in idx.iter_mut().zip(scratch.iter()) {
        *d = *s;
    }
}

/// Reorder `v` so that position `k` holds the element that was at
/// `order[k]` (`order` is a permutation of `0..v.len()`; it is used up).
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut cur = start;
        while let Some(slot) = order.get_mut(cur) {
            let next = std::mem::replace(slot, DONE);
            if next == DONE || next == start || next >= v.len() {
                break;
            }
            // Position `cur` takes its element; the one it held (the
            // cycle's first) moves on to `next`, whose turn is next.
            v.swap(cur, next);
            cur = next;
        }
    }
}

/// Sort versions ascending; never panics.
pub fn sort_versions(v: &mut [crate::Version]) {
    sort_by(v, |a, b| a.cmp(b));
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use std::cmp::Ordering;

    /// The merge sort `sort_by` replaced (moves the elements, one new
    /// vector per level); `sort_by` must give the same result for any
    /// comparator.
    fn merge_sort_moving<T, F: FnMut(&T, &T) -> Ordering>(mut v: Vec<T>, cmp: &mut F) -> Vec<T> {
        if v.len() < 2 {
            return v;
        }
        let right = v.split_off(v.len() / 2);
        let left = merge_sort_moving(v, cmp);
        let right = merge_sort_moving(right, cmp);
        let mut out = Vec::with_capacity(left.len() + right.len());
        let mut l = left.into_iter().peekable();
        let mut r = right.into_iter().peekable();
        loop {
            let take_right = match (l.peek(), r.peek()) {
                (Some(a), Some(b)) => cmp(b, a) == Ordering::Less,
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (None, None) => break,
            };
            let next = if take_right { r.next() } else { l.next() };
            if let Some(x) = next {
                out.push(x);
            }
        }
        out
    }

    #[test]
    fn sorts_and_is_stable() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        super::sort_by(&mut v, |x, y| x.0.cmp(&y.0));
        assert_eq!(v, vec![(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        // an inconsistent comparator does not panic
        let mut w: Vec<u32> = (0..100).collect();
        super::sort_by(&mut w, |_, _| std::cmp::Ordering::Less);
        assert_eq!(w.len(), 100);
    }

    proptest! {
        /// Same result as the old merge sort, on both sides of the stack
        /// limit, for a total order on keys with ties (stability) and
        /// for an arbitrary, inconsistent comparator (a table of answers
        /// per pair of keys).
        #[test]
        fn same_as_the_moving_merge_sort(
            keys in proptest::collection::vec(0u8..8, 0..80),
            answers in proptest::collection::vec(0u8..3, 64),
        ) {
            let v: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
            let mut total = |a: &(u8, usize), b: &(u8, usize)| a.0.cmp(&b.0);
            let mut got = v.clone();
            super::sort_by(&mut got, &mut total);
            prop_assert_eq!(&got, &merge_sort_moving(v.clone(), &mut total));

            let mut odd = |a: &(u8, usize), b: &(u8, usize)| {
                let k = usize::from(a.0) * 8 + usize::from(b.0);
                match answers.get(k) {
                    Some(0) => Ordering::Less,
                    Some(1) => Ordering::Equal,
                    _ => Ordering::Greater,
                }
            };
            let mut got = v.clone();
            super::sort_by(&mut got, &mut odd);
            prop_assert_eq!(&got, &merge_sort_moving(v, &mut odd));
        }
    }
}
