//! Writes a folder of distinct test photos the emulator recognises, for trying and
//! benchmarking bulk imports (docs/bulk.md):
//! `cargo run --release -p frs-emulator --example photos -- DIR COUNT [PEOPLE]`.
//!
//! `DIR/pNNNN/img-NNNNNNN.png`, `COUNT` images of `PEOPLE` people (default: COUNT / 10),
//! each a few hundred bytes.

use std::path::{Path, PathBuf};

use frs_emulator::testimage::TestImage;

/// Reads `DIR COUNT [PEOPLE]` and writes the photos.
#[cfg_attr(test, allow(dead_code, reason = "its test calls `write`"))]
pub(crate) fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: photos DIR COUNT [PEOPLE]";
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let count: u64 = args.next().ok_or(usage)?.parse()?;
    let people: u64 = match args.next() {
        Some(n) => n.parse()?,
        None => (count / 10).max(1),
    };
    write(&dir, count, people)?;
    println!("{count} images of {people} people in {}", dir.display());
    Ok(())
}

/// Writes `count` images of `people` people (at least one) into `dir/pNNNN/`.
pub(crate) fn write(dir: &Path, count: u64, people: u64) -> std::io::Result<()> {
    let people = people.max(1);
    for n in 0..count {
        let person = n % people;
        let folder = dir.join(format!("p{person:04}"));
        if n < people {
            std::fs::create_dir_all(&folder)?;
        }
        let png = TestImage::person(&format!("person-{person}")).variant(n / people).png();
        std::fs::write(folder.join(format!("img-{n:07}.png")), png)?;
    }
    Ok(())
}
