//! zlib (RFC 1950) around one deflate (RFC 1951) block: the compressed stream inside a
//! PNG. The writer knows only runs of equal bytes, which is all a test image holds.

/// Bits packed least significant first, as deflate wants them.
#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl BitWriter {
    /// The low `n` bits of `value`, least significant first.
    fn bits(&mut self, value: u32, n: u32) {
        self.acc |= u64::from(value & ((1u32 << n) - 1)) << self.count;
        self.count += n;
        while self.count >= 8 {
            self.out.push((self.acc & 0xFF) as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code of `len` bits, most significant first.
    fn code(&mut self, code: u32, len: u32) {
        let reversed = code.reverse_bits() >> (32 - len);
        self.bits(reversed, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.out.push((self.acc & 0xFF) as u8);
        }
        self.out
    }
}

/// Deflate length codes 257–285: base lengths and extra bits.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
    227, 258,
];
const LENGTH_EXTRA: [u8; 29] =
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];

/// A zlib stream of one fixed-Huffman deflate block whose only matches are runs
/// (distance 1), fed with runs of equal bytes.
pub(crate) struct ZlibRle {
    bits: BitWriter,
    prev: Option<u8>,
    pending: u64,
    s1: u64,
    s2: u64,
}

impl ZlibRle {
    const ADLER_MOD: u128 = 65_521;

    pub(crate) fn new() -> Self {
        let mut bits = BitWriter::default();
        bits.out.extend_from_slice(&[0x78, 0x01]); // deflate, 32 KiB window, no dictionary
        bits.bits(1, 1); // last block
        bits.bits(1, 2); // fixed Huffman codes
        Self { bits, prev: None, pending: 0, s1: 1, s2: 0 }
    }

    fn symbol(&mut self, symbol: u16) {
        let s = u32::from(symbol);
        match s {
            0..=143 => self.bits.code(0x30 + s, 8),
            144..=255 => self.bits.code(0x190 + (s - 144), 9),
            256..=279 => self.bits.code(s - 256, 7),
            _ => self.bits.code(0xC0 + (s - 280), 8),
        }
    }

    /// A match of `len` (3–258) bytes at distance 1.
    fn repeat(&mut self, len: u16) {
        let index = LENGTH_BASE.iter().rposition(|&base| base <= len).unwrap_or(0);
        let base = LENGTH_BASE.get(index).copied().unwrap_or(3);
        let extra = LENGTH_EXTRA.get(index).copied().unwrap_or(0);
        self.symbol(257 + u16::try_from(index).unwrap_or(0));
        self.bits.bits(u32::from(len - base), u32::from(extra));
        self.bits.code(0, 5); // distance code 0: distance 1
    }

    fn flush(&mut self) {
        let Some(byte) = self.prev else { return };
        while self.pending >= 3 {
            let n = self.pending.min(258);
            self.repeat(u16::try_from(n).unwrap_or(258));
            self.pending -= n;
        }
        for _ in 0..self.pending {
            self.symbol(u16::from(byte));
        }
        self.pending = 0;
    }

    /// `count` bytes of value `byte`.
    pub(crate) fn run(&mut self, byte: u8, count: u64) {
        if count == 0 {
            return;
        }
        let (m, l, v) = (Self::ADLER_MOD, u128::from(count), u128::from(byte));
        let (s1, s2) = (u128::from(self.s1), u128::from(self.s2));
        let s2 = (s2 + l % m * s1 + v * (l * (l + 1) / 2 % m)) % m;
        let s1 = (s1 + l % m * v) % m;
        self.s1 = u64::try_from(s1).unwrap_or(0);
        self.s2 = u64::try_from(s2).unwrap_or(0);
        let mut count = count;
        if self.prev != Some(byte) {
            self.flush();
            self.symbol(u16::from(byte));
            self.prev = Some(byte);
            count -= 1;
        }
        self.pending += count;
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.flush();
        self.symbol(256); // end of block
        let adler = (self.s2 << 16) | self.s1;
        let mut out = self.bits.finish();
        out.extend_from_slice(&u32::try_from(adler).unwrap_or(0).to_be_bytes());
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    pub(crate) fn adler32(data: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in data {
            a = (a + u32::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        (b << 16) | a
    }

    /// A minimal inflater for stored and fixed-Huffman blocks.
    pub(crate) fn inflate(data: &[u8]) -> Vec<u8> {
        struct Bits<'a> {
            data: &'a [u8],
            pos: usize,
        }
        impl Bits<'_> {
            fn bit(&mut self) -> u32 {
                let b = (self.data[self.pos / 8] >> (self.pos % 8)) & 1;
                self.pos += 1;
                u32::from(b)
            }
            fn bits(&mut self, n: u32) -> u32 {
                (0..n).fold(0, |acc, i| acc | (self.bit() << i))
            }
            fn code(&mut self, n: u32) -> u32 {
                (0..n).fold(0, |acc, _| (acc << 1) | self.bit())
            }
        }
        const DIST_BASE: [u32; 30] = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
            3073, 4097, 6145, 8193, 12289, 16385, 24577,
        ];
        let mut r = Bits { data, pos: 0 };
        let mut out = Vec::new();
        loop {
            let last = r.bits(1);
            match r.bits(2) {
                0 => {
                    r.pos = r.pos.div_ceil(8) * 8;
                    let len = r.bits(16) as usize;
                    let _nlen = r.bits(16);
                    for _ in 0..len {
                        out.push(r.bits(8) as u8);
                    }
                }
                1 => loop {
                    let mut code = r.code(7);
                    let symbol = if code <= 0x17 {
                        code + 256
                    } else {
                        code = (code << 1) | r.bit();
                        if (0x30..=0xBF).contains(&code) {
                            code - 0x30
                        } else if (0xC0..=0xC7).contains(&code) {
                            code - 0xC0 + 280
                        } else {
                            code = (code << 1) | r.bit();
                            code - 0x190 + 144
                        }
                    };
                    if symbol < 256 {
                        out.push(symbol as u8);
                    } else if symbol == 256 {
                        break;
                    } else {
                        let i = (symbol - 257) as usize;
                        let len = u32::from(LENGTH_BASE[i]) + r.bits(u32::from(LENGTH_EXTRA[i]));
                        let d = r.code(5) as usize;
                        let extra = if d < 4 { 0 } else { (d as u32 - 2) / 2 };
                        let dist = (DIST_BASE[d] + r.bits(extra)) as usize;
                        for _ in 0..len {
                            out.push(out[out.len() - dist]);
                        }
                    }
                },
                other => panic!("block type {other} not supported"),
            }
            if last == 1 {
                return out;
            }
        }
    }

    #[test]
    fn runs_inflate_to_the_bytes_fed() {
        let runs = [(7u8, 1u64), (7, 2), (0, 300), (255, 3), (1, 1), (2, 258), (2, 1)];
        let mut z = ZlibRle::new();
        let mut expected = Vec::new();
        for (byte, count) in runs {
            z.run(byte, count);
            expected.extend(std::iter::repeat_n(byte, count as usize));
        }
        let stream = z.finish();
        assert_eq!(&stream[..2], [0x78, 0x01]);
        assert_eq!(inflate(&stream[2..stream.len() - 4]), expected);
        assert_eq!(stream[stream.len() - 4..], adler32(&expected).to_be_bytes());
    }
}
