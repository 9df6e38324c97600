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
