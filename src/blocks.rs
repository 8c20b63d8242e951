//! Line-local work of one large document, in parallel blocks.
//!
//! The batch runs documents in parallel, but one very large document (a book-length
//! transcript, a dump saved as one file) would still run on one thread. Stages whose work
//! per item does not depend on the other items (normalize per line, emit per segment,
//! repair per line once the document's model is built) run it through these functions: a
//! document of at least [`PARALLEL_MIN_BYTES`] is cut into blocks of about [`BLOCK_BYTES`]
//! handed to the current rayon pool (the batch's, so other documents and these blocks share
//! the `--jobs` threads); smaller documents run in place, as before, with no overhead. The
//! results never depend on the blocks: each item is computed on its own and results are
//! combined in item order.
//! (`tests::sums_and_writes_in_item_order` shows both entry points.)

use rayon::prelude::*;

/// Documents of at least this many bytes of text run in blocks.
pub const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// About this many bytes of text per block: enough work to outweigh handing a block to
/// another thread, small enough that the threads finish together.
pub const BLOCK_BYTES: usize = 64 << 10;

/// Items per block for `len` items holding `bytes` bytes of text.
fn block_len(len: usize, bytes: usize) -> usize {
    let blocks = bytes.div_ceil(BLOCK_BYTES).max(1);
    len.div_ceil(blocks).max(1)
}

/// `f(index, item)` for every item, the results in order; in parallel blocks when `bytes`
/// (the text the items hold) is at least [`PARALLEL_MIN_BYTES`].
pub fn map_each<T: Send, U: Send>(
    items: &mut [T],
    bytes: usize,
    f: impl Fn(usize, &mut T) -> U + Sync + Send,
) -> Vec<U> {
    if bytes < PARALLEL_MIN_BYTES {
        return items.iter_mut().enumerate().map(|(i, x)| f(i, x)).collect();
    }
    let min = block_len(items.len(), bytes);
    items.par_iter_mut().enumerate().with_min_len(min).map(|(i, x)| f(i, x)).collect()
}

/// `f(item)` for every item, in order; in parallel blocks as [`map_each`].
pub fn map<T: Sync, U: Send>(
    items: &[T],
    bytes: usize,
    f: impl Fn(&T) -> U + Sync + Send,
) -> Vec<U> {
    if bytes < PARALLEL_MIN_BYTES {
        return items.iter().map(f).collect();
    }
    items.par_iter().with_min_len(block_len(items.len(), bytes)).map(f).collect()
}

/// `f(first, block)` for consecutive blocks of `items` (`first` is the index of the
/// block's first item), in order: one call on all of `items` when `bytes` is below
/// [`PARALLEL_MIN_BYTES`], else blocks in parallel. `f` must treat a block's items the same
/// wherever the block starts, apart from what it derives from `first`.
pub fn map_blocks<T: Sync, U: Send>(
    items: &[T],
    bytes: usize,
    f: impl Fn(usize, &[T]) -> U + Sync + Send,
) -> Vec<U> {
    if bytes < PARALLEL_MIN_BYTES {
        return vec![f(0, items)];
    }
    let len = block_len(items.len(), bytes);
    items.par_chunks(len).enumerate().map(|(b, block)| f(b * len, block)).collect()
}

/// `head` followed by the text `f(first, block, out)` writes for consecutive blocks of
/// `items`, as [`map_blocks`] cuts them, in pieces: with one block it is written straight
/// after `head` (one piece, `expected` more bytes reserved first); else each block is
/// written in parallel into a piece of its own. The pieces are not concatenated: a large
/// document's output would be held twice.
pub fn write_each<T: Sync>(
    mut head: String,
    items: &[T],
    (bytes, expected): (usize, usize),
    f: impl Fn(usize, &[T], &mut String) + Sync + Send,
) -> Vec<String> {
    if bytes < PARALLEL_MIN_BYTES {
        head.reserve(expected);
        f(0, items, &mut head);
        return vec![head];
    }
    let parts = map_blocks(items, bytes, |first, block| {
        let mut part = String::new();
        f(first, block, &mut part);
        part
    });
    std::iter::once(head).chain(parts).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_writes_in_item_order() {
        let mut items: Vec<u64> = (0..100_000).collect();
        let odd = map_each(&mut items, 8 << 20, |i, x| {
            *x *= 2;
            (i, u64::from(*x % 4 == 2))
        });
        assert!(odd.iter().enumerate().all(|(i, r)| r.0 == i));
        assert_eq!(odd.iter().map(|r| r.1).sum::<u64>(), 50_000);
        let sizes = (8 << 20, 0);
        let pieces = write_each(String::from("> "), &items[..5], sizes, |first, block, out| {
            for (i, x) in block.iter().enumerate() {
                out.push_str(&format!("{}:{x} ", first + i));
            }
        });
        assert_eq!(pieces.concat(), "> 0:0 1:2 2:4 3:6 4:8 ");
    }

    #[test]
    fn blocks_cover_every_item_once_in_order() {
        for (len, bytes) in [(0, 0), (1, 10 << 20), (7, 10 << 20), (100_001, 3 << 20)] {
            let items: Vec<usize> = (0..len).collect();
            for b in [0, bytes] {
                let text = write_each(String::from("^"), &items, (b, 0), |first, block, out| {
                    for (i, x) in block.iter().enumerate() {
                        assert_eq!(first + i, *x);
                        out.push_str(&format!("{x},"));
                    }
                })
                .concat();
                let want: String = std::iter::once("^".to_string())
                    .chain(items.iter().map(|x| format!("{x},")))
                    .collect();
                assert_eq!(text, want, "len {len} bytes {b}");
                let firsts = map_blocks(&items, b, |first, block| {
                    assert!(block.iter().enumerate().all(|(i, x)| first + i == *x));
                    block.len()
                });
                assert_eq!(firsts.iter().sum::<usize>(), len);
                assert_eq!(firsts.len() > 1, b > 0 && len > 1, "len {len} bytes {b}");
                assert_eq!(
                    map(&items, b, |x| x * 3),
                    items.iter().map(|x| x * 3).collect::<Vec<_>>()
                );
                let mut copy = items.clone();
                let ones = map_each(&mut copy, b, |i, x| {
                    assert_eq!(i, *x);
                    *x += 1;
                    1
                });
                assert_eq!(ones.len(), len);
                assert!(copy.iter().enumerate().all(|(i, x)| *x == i + 1));
            }
        }
    }

    #[test]
    fn large_inputs_are_cut_into_blocks_of_about_block_bytes() {
        assert_eq!(block_len(1000, 10 * BLOCK_BYTES), 100);
        assert_eq!(block_len(3, 100 * BLOCK_BYTES), 1);
        assert_eq!(block_len(0, 0), 1);
    }
}
