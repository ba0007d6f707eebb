//! A stable merge sort that never panics, whatever the comparator does.
//!
//! `slice::sort` may panic when `Ord` is not a total order. Some native
//! orderings are not (Maven's ComparableVersion: `1 < 1.a.1 < 1-rc < 1`),
//! and this crate must not panic on input.

use std::cmp::Ordering;

/// Sort `v` stably with `cmp`; never panics.
pub fn sort_by<T, F: FnMut(&T, &T) -> Ordering>(v: &mut Vec<T>, mut cmp: F) {
    if v.len() < 2 {
        return;
    }
    let items = std::mem::take(v);
    *v = merge_sort(items, &mut cmp);
}

fn merge_sort<T, F: FnMut(&T, &T) -> Ordering>(mut v: Vec<T>, cmp: &mut F) -> Vec<T> {
    if v.len() < 2 {
        return v;
    }
    let right = v.split_off(v.len() / 2);
    let left = merge_sort(v, cmp);
    let right = merge_sort(right, cmp);
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

/// Sort versions ascending; never panics.
pub fn sort_versions(v: &mut Vec<crate::Version>) {
    sort_by(v, |a, b| a.cmp(b));
}

#[cfg(test)]
mod tests {
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
}
