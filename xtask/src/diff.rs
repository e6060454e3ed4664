//! A tiny line diff with unified-style output, enough to show why a generated file is stale.

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Above this many cells the middle part is shown as removed-then-added instead of aligned.
const MAX_TABLE_CELLS: usize = 16_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    Delete,
    Insert,
}

/// A unified-style diff from `old` to `new`, cut after `max_lines` lines of output.
/// Empty when the texts are equal.
pub(crate) fn unified(old: &str, new: &str, old_name: &str, new_name: &str, max_lines: usize) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut out = vec![format!("--- {old_name}"), format!("+++ {new_name}")];
    if a == b {
        out.push("(the files differ only in line endings or in the final newline)".to_owned());
        return out.join("\n") + "\n";
    }

    // Walk of (op, old line, new line), 0-based.
    let script = edit_script(&a, &b);
    let changes: Vec<usize> = (0..script.len()).filter(|&k| script[k].0 != Op::Equal).collect();
    let mut k = 0;
    while k < changes.len() {
        // Changes closer than twice the context share a hunk.
        let mut last = k;
        while last + 1 < changes.len() && changes[last + 1] - changes[last] <= 2 * CONTEXT {
            last += 1;
        }
        let start = changes[k].saturating_sub(CONTEXT);
        let end = (changes[last] + CONTEXT + 1).min(script.len());
        let hunk = &script[start..end];
        let old_len = hunk.iter().filter(|s| s.0 != Op::Insert).count();
        let new_len = hunk.iter().filter(|s| s.0 != Op::Delete).count();
        let (_, old_at, new_at) = hunk[0];
        out.push(format!("@@ -{},{old_len} +{},{new_len} @@", old_at + 1, new_at + 1));
        for &(op, i, j) in hunk {
            out.push(match op {
                Op::Equal => format!(" {}", a[i]),
                Op::Delete => format!("-{}", a[i]),
                Op::Insert => format!("+{}", b[j]),
            });
        }
        k = last + 1;
    }
    if out.len() > max_lines {
        let more = out.len() - max_lines;
        out.truncate(max_lines);
        out.push(format!("... ({more} more lines of diff not shown)"));
    }
    out.join("\n") + "\n"
}

/// The edit script, via the longest common subsequence of the lines between the common
/// prefix and suffix.
fn edit_script(a: &[&str], b: &[&str]) -> Vec<(Op, usize, usize)> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);

    let mut script: Vec<(Op, usize, usize)> = (0..prefix).map(|i| (Op::Equal, i, i)).collect();
    let (n, m) = (ma.len(), mb.len());
    let (mut i, mut j) = (0, 0);
    if (n + 1) * (m + 1) <= MAX_TABLE_CELLS {
        // lcs[i][j] = length of the LCS of ma[i..] and mb[j..].
        let width = m + 1;
        let mut lcs = vec![0u32; (n + 1) * width];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * width + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        while i < n && j < m {
            if ma[i] == mb[j] {
                script.push((Op::Equal, prefix + i, prefix + j));
                (i, j) = (i + 1, j + 1);
            } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
                script.push((Op::Delete, prefix + i, prefix + j));
                i += 1;
            } else {
                script.push((Op::Insert, prefix + i, prefix + j));
                j += 1;
            }
        }
    }
    script.extend((i..n).map(|i| (Op::Delete, prefix + i, prefix + m)));
    script.extend((j..m).map(|j| (Op::Insert, prefix + n, prefix + j)));
    script.extend((0..suffix).map(|s| (Op::Equal, prefix + n + s, prefix + m + s)));
    script
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn equal_texts_give_no_diff() {
        assert_eq!(unified("a\nb\n", "a\nb\n", "old", "new", 100), "");
    }

    #[test]
    fn one_changed_line_in_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let expected = "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n";
        assert_eq!(unified(old, new, "old", "new", 100), expected);
    }

    #[test]
    fn distant_changes_make_two_hunks_and_insertions_count() {
        let old: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let new: String = (1..=20)
            .map(|n| match n {
                2 => "two\n".to_owned(),
                17 => "17\nextra\n".to_owned(),
                n => format!("{n}\n"),
            })
            .collect();
        let diff = unified(&old, &new, "old", "new", 100);
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(diff.contains("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n"), "{diff}");
        assert!(diff.contains("@@ -15,6 +15,7 @@\n 15\n 16\n 17\n+extra\n 18\n"), "{diff}");
    }

    #[test]
    fn missing_file_and_cap() {
        let new: String = (1..=300).map(|n| format!("{n}\n")).collect();
        let diff = unified("", &new, "old", "new", 100);
        assert_eq!(diff.lines().count(), 101);
        assert!(diff.ends_with("... (203 more lines of diff not shown)\n"), "{diff}");
    }

    #[test]
    fn line_ending_only_difference_is_explained() {
        assert!(unified("a\r\nb\r\n", "a\nb\n", "old", "new", 100).contains("line endings"));
    }
}
