//! A bounded longest common subsequence of two id sequences: Myers' greedy
//! O((N+M)·D) algorithm after trimming the common prefix and suffix. Its
//! work is counted against a budget; over budget it gives up instead of
//! slowing down.

/// The work allowed ran out before the diff was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverBudget;

/// Work units left; every step of the diff spends one.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    left: u64,
}

impl Budget {
    pub fn new(units: u64) -> Self {
        Budget { left: units }
    }

    /// Units left.
    pub fn left(&self) -> u64 {
        self.left
    }

    /// Spends `units`, or fails when fewer are left.
    pub fn spend(&mut self, units: u64) -> Result<(), OverBudget> {
        if units > self.left {
            self.left = 0;
            return Err(OverBudget);
        }
        self.left -= units;
        Ok(())
    }
}

/// Index pairs `(i, j)` with `a[i] == b[j]`, increasing in both, of
/// maximal length.
pub fn common(
    a: &[u32],
    b: &[u32],
    budget: &mut Budget,
) -> Result<Vec<(usize, usize)>, OverBudget> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    budget.spend((prefix + suffix) as u64)?;
    let (mid_a, mid_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut pairs: Vec<(usize, usize)> = (0..prefix).map(|i| (i, i)).collect();
    pairs.extend(
        myers(mid_a, mid_b, budget)?
            .into_iter()
            .map(|(i, j)| (i + prefix, j + prefix)),
    );
    let (tail_a, tail_b) = (a.len() - suffix, b.len() - suffix);
    pairs.extend((0..suffix).map(|k| (tail_a + k, tail_b + k)));
    Ok(pairs)
}

/// Gaps (base × side elements, after the common prefix and suffix) up to
/// this size are aligned by [`keyed_common`]'s table; larger ones only by
/// Myers' diff.
const MAX_KEYED_CELLS: usize = 1 << 16;

/// A longest common subsequence of the contents `a` and `b`, like
/// [`common`] (`None` where the gap is too large to tabulate); of several
/// equally long ones, one that leaves the most
/// elements of the same key (`ka`, `kb`) facing each other in the same
/// gap, to be paired there as edits. Base `D10 D11 D12 C13` against
/// `D10 C13 D11' D12` (`C13` moved up, `D11` edited) has two: keeping
/// `D12` reads `C13` as the move and `D11'` as `D11` edited; keeping
/// `C13` would read `D12` as the move and `D11'` as a new element in
/// another gap than `D11`, a deletion and an insertion.
pub fn keyed_common(
    (a, ka): (&[u32], &[u32]),
    (b, kb): (&[u32], &[u32]),
    budget: &mut Budget,
) -> Result<Option<Vec<(usize, usize)>>, OverBudget> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (n, m) = (a.len() - prefix - suffix, b.len() - prefix - suffix);
    if n.saturating_mul(m) > MAX_KEYED_CELLS || ka.len() != a.len() || kb.len() != b.len() {
        return Ok(None);
    }
    budget.spend((prefix + suffix + n * m) as u64)?;
    let mid = |v: &[u32], len: usize| v[prefix..prefix + len].to_vec();
    let (ca, cb, ka, kb) = (mid(a, n), mid(b, m), mid(ka, n), mid(kb, m));
    // best[i][j]: the score of the suffixes a[i..], b[j..]; a content
    // pair outweighs every key pair together.
    let weight = (n.min(m) + 1) as u64;
    let width = m + 1;
    let mut best = vec![0u64; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let diagonal = if ca[i] == cb[j] {
                weight + best[(i + 1) * width + j + 1]
            } else if ka[i] == kb[j] {
                1 + best[(i + 1) * width + j + 1]
            } else {
                0
            };
            best[i * width + j] = diagonal
                .max(best[(i + 1) * width + j])
                .max(best[i * width + j + 1]);
        }
    }
    let mut pairs: Vec<(usize, usize)> = (0..prefix).map(|i| (i, i)).collect();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let here = best[i * width + j];
        let after = best[(i + 1) * width + j + 1];
        if ca[i] == cb[j] && here == weight + after {
            pairs.push((prefix + i, prefix + j));
            i += 1;
            j += 1;
        } else if ca[i] != cb[j] && ka[i] == kb[j] && here == 1 + after {
            i += 1;
            j += 1;
        } else if here == best[(i + 1) * width + j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let (tail_a, tail_b) = (a.len() - suffix, b.len() - suffix);
    pairs.extend((0..suffix).map(|k| (tail_a + k, tail_b + k)));
    Ok(Some(pairs))
}

/// The furthest-reaching x of each diagonal k, kept for d = 0..=D.
struct Trace {
    rows: Vec<Vec<isize>>,
}

impl Trace {
    /// Row d holds diagonals -d-1..=d+1.
    fn get(&self, d: usize, k: isize) -> isize {
        let row = &self.rows[d];
        let index = k + d as isize + 1;
        if index < 0 {
            return -1;
        }
        row.get(index as usize).copied().unwrap_or(-1)
    }
}

fn myers(a: &[u32], b: &[u32], budget: &mut Budget) -> Result<Vec<(usize, usize)>, OverBudget> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    if n == 0 || m == 0 {
        return Ok(Vec::new());
    }
    let max = (n + m) as usize;
    let mut trace = Trace { rows: Vec::new() };
    // v[k + max + 1] for k in -max-1..=max+1.
    let mut v = vec![-1isize; 2 * max + 3];
    let at = |k: isize| (k + max as isize + 1) as usize;
    v[at(1)] = 0;
    let mut end = None;
    'outer: for d in 0..=max {
        let di = d as isize;
        budget.spend(2 * d as u64 + 3)?;
        trace.rows.push(v[at(-di - 1)..=at(di + 1)].to_vec());
        let mut k = -di;
        while k <= di {
            let mut x = if k == -di || (k != di && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            let mut steps = 0u64;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
                steps += 1;
            }
            budget.spend(steps + 1)?;
            v[at(k)] = x;
            if x >= n && y >= m {
                end = Some(d);
                break 'outer;
            }
            k += 2;
        }
    }
    let Some(depth) = end else {
        return Ok(Vec::new());
    };
    let mut pairs = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=depth).rev() {
        let di = d as isize;
        let k = x - y;
        let prev_k = if k == -di || (k != di && trace.get(d, k - 1) < trace.get(d, k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = trace.get(d, prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y && x > 0 && y > 0 {
            x -= 1;
            y -= 1;
            pairs.push((x as usize, y as usize));
        }
        if d > 0 {
            x = prev_x;
            y = prev_y;
        }
    }
    pairs.reverse();
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lcs_len(a: &[u32], b: &[u32]) -> usize {
        let mut t = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                t[i][j] = if a[i] == b[j] {
                    t[i + 1][j + 1] + 1
                } else {
                    t[i + 1][j].max(t[i][j + 1])
                };
            }
        }
        t[0][0]
    }

    fn valid(a: &[u32], b: &[u32], pairs: &[(usize, usize)]) -> bool {
        pairs.iter().all(|&(i, j)| a[i] == b[j])
            && pairs.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1)
    }

    proptest! {
        #![proptest_config(crate::seeded::config(256))]
        #[test]
        fn common_is_a_longest_common_subsequence(
            a in proptest::collection::vec(0u32..4, 0..24),
            b in proptest::collection::vec(0u32..4, 0..24),
        ) {
            let pairs = common(&a, &b, &mut Budget::new(u64::MAX)).unwrap();
            prop_assert!(valid(&a, &b, &pairs));
            prop_assert_eq!(pairs.len(), lcs_len(&a, &b));
        }
    }

    proptest! {
        #![proptest_config(crate::seeded::config(256))]
        #[test]
        fn keyed_common_is_a_longest_common_subsequence(
            a in proptest::collection::vec((0u32..4, 0u32..3), 0..24),
            b in proptest::collection::vec((0u32..4, 0u32..3), 0..24),
        ) {
            let (ca, ka): (Vec<u32>, Vec<u32>) = a.into_iter().unzip();
            let (cb, kb): (Vec<u32>, Vec<u32>) = b.into_iter().unzip();
            let pairs = keyed_common((&ca, &ka), (&cb, &kb), &mut Budget::new(u64::MAX))
                .unwrap()
                .unwrap_or_default();
            prop_assert!(valid(&ca, &cb, &pairs));
            prop_assert_eq!(pairs.len(), lcs_len(&ca, &cb));
        }
    }

    #[test]
    fn keyed_common_keeps_the_element_whose_neighbour_is_edited_in_place() {
        // Contents: base D10 D11 D12 C13, side D10 C13 D11' D12; keys:
        // the constructor (D, C).
        let (a, ka) = (vec![10, 11, 12, 13], vec![1, 1, 1, 2]);
        let (b, kb) = (vec![10, 13, 21, 12], vec![1, 2, 1, 1]);
        let pairs = keyed_common((&a, &ka), (&b, &kb), &mut Budget::new(u64::MAX)).unwrap();
        assert_eq!(pairs, Some(vec![(0, 0), (2, 3)]));
        // Myers' diff alone keeps C13 here.
        let plain = common(&a, &b, &mut Budget::new(u64::MAX)).unwrap();
        assert_eq!(plain, vec![(0, 0), (3, 1)]);
    }

    #[test]
    fn a_small_budget_gives_up() {
        let a: Vec<u32> = (0..200).collect();
        let b: Vec<u32> = (200..400).collect();
        assert_eq!(common(&a, &b, &mut Budget::new(1000)), Err(OverBudget));
    }

    #[test]
    fn identical_sequences_cost_their_length() {
        let a: Vec<u32> = (0..5000).collect();
        let pairs = common(&a, &a, &mut Budget::new(5000)).unwrap();
        assert_eq!(pairs.len(), 5000);
    }
}
