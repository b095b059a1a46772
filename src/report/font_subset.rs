//! A subset of a TrueType font holding only the glyphs of a set of characters, for
//! embedding the chart font into SVG charts and HTML reports (`@font-face` with the font as
//! `data:`), where the whole DejaVu Sans (750 kB) would dwarf the charts.
//!
//! The subset is a valid TrueType font (browsers accept it: Chromium's font sanitizer
//! checks every table it loads) that renders those characters exactly as the original
//! does, with the original's advances and its legacy `kern` pairs, which are what the PNG
//! charts use (plotters lays text out with ab_glyph: advances and `kern`, no `GPOS`, no
//! ligatures). So the subset drops the OpenType layout tables (`GDEF`, `GPOS`, `GSUB`)
//! and `MATH`, and keeps:
//!
//! - the glyphs of the characters, their components (composite glyphs) and `.notdef`,
//!   renumbered in their original order;
//! - `cmap` rebuilt (one format 4 subtable, Windows Unicode BMP), `hmtx` with a metric per
//!   glyph, `kern` filtered to the kept pairs, `post` as format 3 (no glyph names);
//! - `head`, `hhea`, `maxp` with their counts updated, `OS/2`, the hinting tables
//!   (`cvt `, `fpgm`, `prep`, `gasp`) as they are, and the Windows records of `name`
//!   among them the copyright and the license, which the font's license asks every copy
//!   to carry.
//!
//! The output depends only on the font and the set of characters: the same input gives
//! the same bytes.

use std::collections::{BTreeMap, BTreeSet};

/// Why a font could not be subset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubsetError {
    /// The font is not a TrueType font this module can read: a table is missing or cut short.
    #[error("cannot subset the font: {0}")]
    Malformed(&'static str),
}

type Result<T> = std::result::Result<T, SubsetError>;

/// The tables copied unchanged.
const COPIED: [&[u8; 4]; 5] = [b"OS/2", b"cvt ", b"fpgm", b"gasp", b"prep"];

/// Name IDs kept: copyright, family, subfamily, unique ID, full name, version, PostScript
/// name, license description and license URL.
const NAME_IDS: [u16; 9] = [0, 1, 2, 3, 4, 5, 6, 13, 14];

fn be16(data: &[u8], at: usize) -> Result<u16> {
    data.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or(SubsetError::Malformed("a table is too short"))
}

fn be32(data: &[u8], at: usize) -> Result<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or(SubsetError::Malformed("a table is too short"))
}

fn put16(data: &mut [u8], at: usize, v: u16) {
    data[at..at + 2].copy_from_slice(&v.to_be_bytes());
}

fn put32(data: &mut [u8], at: usize, v: u32) {
    data[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

/// The tables of a font file by tag.
struct Tables<'a>(BTreeMap<[u8; 4], &'a [u8]>);

impl<'a> Tables<'a> {
    fn parse(font: &'a [u8]) -> Result<Self> {
        if be32(font, 0)? != 0x0001_0000 {
            return Err(SubsetError::Malformed("not a TrueType font (glyf outlines)"));
        }
        let n = usize::from(be16(font, 4)?);
        let mut map = BTreeMap::new();
        for i in 0..n {
            let rec = 12 + 16 * i;
            let tag: [u8; 4] = font
                .get(rec..rec + 4)
                .and_then(|t| t.try_into().ok())
                .ok_or(SubsetError::Malformed("table directory"))?;
            let (offset, length) = (be32(font, rec + 8)? as usize, be32(font, rec + 12)? as usize);
            let data =
                font.get(offset..offset + length).ok_or(SubsetError::Malformed("a table lies outside the file"))?;
            map.insert(tag, data);
        }
        Ok(Self(map))
    }

    fn get(&self, tag: &[u8; 4]) -> Result<&'a [u8]> {
        self.0.get(tag).copied().ok_or(SubsetError::Malformed("a required table is missing"))
    }
}

/// The glyph of each character of `chars` in `font` (0, `.notdef`, for a character it lacks).
fn glyph_ids(font: &[u8], chars: &BTreeSet<char>) -> Result<BTreeMap<char, u16>> {
    let face = ttf_parser::Face::parse(font, 0).map_err(|_| SubsetError::Malformed("unreadable font"))?;
    Ok(chars.iter().map(|&c| (c, face.glyph_index(c).map_or(0, |g| g.0))).collect())
}

/// The glyph data of `gid` (empty for a glyph without outline).
fn glyph<'a>(glyf: &'a [u8], loca: &[u8], long: bool, gid: u16) -> Result<&'a [u8]> {
    let g = usize::from(gid);
    let (start, end) = if long {
        (be32(loca, 4 * g)? as usize, be32(loca, 4 * g + 4)? as usize)
    } else {
        (usize::from(be16(loca, 2 * g)?) * 2, usize::from(be16(loca, 2 * g + 2)?) * 2)
    };
    glyf.get(start..end.max(start)).ok_or(SubsetError::Malformed("a glyph lies outside glyf"))
}

/// The offsets of the component glyph indices of a composite glyph (none for a simple one).
fn component_offsets(data: &[u8]) -> Result<Vec<usize>> {
    if data.len() < 10 || (be16(data, 0)? as i16) >= 0 {
        return Ok(Vec::new());
    }
    let mut at = 10;
    let mut offsets = Vec::new();
    loop {
        let flags = be16(data, at)?;
        offsets.push(at + 2);
        at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
        at += match flags {
            f if f & 0x0008 != 0 => 2,
            f if f & 0x0040 != 0 => 4,
            f if f & 0x0080 != 0 => 8,
            _ => 0,
        };
        if flags & 0x0020 == 0 {
            return Ok(offsets);
        }
    }
}

/// The subset of `font` for `chars`: see the module documentation.
pub fn subset(font: &[u8], chars: &BTreeSet<char>) -> Result<Vec<u8>> {
    let tables = Tables::parse(font)?;
    let (head, hhea, maxp, hmtx) =
        (tables.get(b"head")?, tables.get(b"hhea")?, tables.get(b"maxp")?, tables.get(b"hmtx")?);
    let (glyf, loca) = (tables.get(b"glyf")?, tables.get(b"loca")?);
    let long_loca = be16(head, 50)? == 1;
    let n_metrics = be16(hhea, 34)?;
    let by_char = glyph_ids(font, chars)?;

    // The glyphs kept: .notdef, the characters' glyphs and, transitively, their components.
    let mut kept: BTreeSet<u16> = std::iter::once(0).chain(by_char.values().copied()).collect();
    let mut todo: Vec<u16> = kept.iter().copied().collect();
    while let Some(g) = todo.pop() {
        let data = glyph(glyf, loca, long_loca, g)?;
        for at in component_offsets(data)? {
            let component = be16(data, at)?;
            if kept.insert(component) {
                todo.push(component);
            }
        }
    }
    let new_id: BTreeMap<u16, u16> = kept.iter().enumerate().map(|(i, &g)| (g, i as u16)).collect();
    let n_glyphs = kept.len() as u16;

    // glyf and loca (long offsets), each glyph padded to 4 bytes, components renumbered.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (kept.len() + 1));
    for &g in &kept {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let mut data = glyph(glyf, loca, long_loca, g)?.to_vec();
        for at in component_offsets(&data)? {
            let old = be16(&data, at)?;
            put16(&mut data, at, new_id[&old]);
        }
        new_glyf.extend_from_slice(&data);
        new_glyf.resize(new_glyf.len().next_multiple_of(4), 0);
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    // hmtx: a full metric per glyph.
    let mut new_hmtx = Vec::with_capacity(4 * kept.len());
    for &g in &kept {
        let (advance, lsb) = if g < n_metrics {
            (be16(hmtx, 4 * usize::from(g))?, be16(hmtx, 4 * usize::from(g) + 2)?)
        } else {
            let last = 4 * usize::from(n_metrics.max(1) - 1);
            (be16(hmtx, last)?, be16(hmtx, 4 * usize::from(n_metrics) + 2 * usize::from(g - n_metrics))?)
        };
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&lsb.to_be_bytes());
    }

    let mut out: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    let mut new_head = head.to_vec();
    put32(&mut new_head, 8, 0); // checkSumAdjustment, set at the end
    put16(&mut new_head, 50, 1); // long loca
    out.insert(*b"head", new_head);
    let mut new_hhea = hhea.to_vec();
    put16(&mut new_hhea, 34, n_glyphs);
    out.insert(*b"hhea", new_hhea);
    let mut new_maxp = maxp.to_vec();
    put16(&mut new_maxp, 4, n_glyphs);
    out.insert(*b"maxp", new_maxp);
    out.insert(*b"glyf", new_glyf);
    out.insert(*b"loca", new_loca);
    out.insert(*b"hmtx", new_hmtx);
    let bmp: BTreeMap<u16, u16> =
        by_char.iter().filter_map(|(&c, g)| Some((u16::try_from(u32::from(c)).ok()?, new_id[g]))).collect();
    out.insert(*b"cmap", cmap(&bmp));
    out.insert(*b"post", post(tables.get(b"post")?)?);
    out.insert(*b"name", name(tables.get(b"name")?)?);
    if let Some(kern) = tables.0.get(b"kern").map(|k| kern(k, &new_id)).transpose()?.flatten() {
        out.insert(*b"kern", kern);
    }
    for tag in COPIED {
        if let Some(data) = tables.0.get(tag) {
            out.insert(*tag, data.to_vec());
        }
    }
    Ok(assemble(out))
}

/// A `cmap` with one format 4 subtable (platform 3, encoding 1) mapping `chars` (BMP code
/// points, in order) to glyphs; runs of consecutive characters with consecutive glyphs share
/// a segment.
fn cmap(chars: &BTreeMap<u16, u16>) -> Vec<u8> {
    let mut segments: Vec<(u16, u16, u16)> = Vec::new(); // (start, end, delta)
    for (&c, &g) in chars.iter().filter(|(c, _)| **c != 0xFFFF) {
        let delta = g.wrapping_sub(c);
        match segments.last_mut() {
            Some((_, end, d)) if *end + 1 == c && *d == delta => *end = c,
            _ => segments.push((c, c, delta)),
        }
    }
    segments.push((0xFFFF, 0xFFFF, 1));
    let seg_count = segments.len() as u16;
    let pow = 1u16 << (15 - seg_count.leading_zeros().min(15));
    let search_range = 2 * pow;
    let mut sub = Vec::new();
    let length = 16 + 8 * segments.len();
    for v in
        [4, length as u16, 0, 2 * seg_count, search_range, pow.trailing_zeros() as u16, 2 * seg_count - search_range]
    {
        sub.extend_from_slice(&v.to_be_bytes());
    }
    segments.iter().for_each(|s| sub.extend_from_slice(&s.1.to_be_bytes()));
    sub.extend_from_slice(&0u16.to_be_bytes());
    segments.iter().for_each(|s| sub.extend_from_slice(&s.0.to_be_bytes()));
    segments.iter().for_each(|s| sub.extend_from_slice(&s.2.to_be_bytes()));
    segments.iter().for_each(|_| sub.extend_from_slice(&0u16.to_be_bytes()));
    let mut table = Vec::with_capacity(12 + sub.len());
    for v in [0u16, 1, 3, 1] {
        table.extend_from_slice(&v.to_be_bytes());
    }
    table.extend_from_slice(&12u32.to_be_bytes());
    table.extend_from_slice(&sub);
    table
}

/// `post` as format 3: the original's metrics, no glyph names.
fn post(post: &[u8]) -> Result<Vec<u8>> {
    let mut table = post.get(..32).ok_or(SubsetError::Malformed("post is too short"))?.to_vec();
    put32(&mut table, 0, 0x0003_0000);
    table[16..32].fill(0);
    Ok(table)
}

/// The Windows records of `name` whose IDs are in [`NAME_IDS`].
fn name(name: &[u8]) -> Result<Vec<u8>> {
    let count = usize::from(be16(name, 2)?);
    let storage = usize::from(be16(name, 4)?);
    let mut records = Vec::new();
    let mut strings: Vec<u8> = Vec::new();
    for i in 0..count {
        let rec = 6 + 12 * i;
        let (platform, id) = (be16(name, rec)?, be16(name, rec + 6)?);
        if platform != 3 || !NAME_IDS.contains(&id) {
            continue;
        }
        let (len, off) = (usize::from(be16(name, rec + 8)?), usize::from(be16(name, rec + 10)?));
        let text =
            name.get(storage + off..storage + off + len).ok_or(SubsetError::Malformed("a name lies outside name"))?;
        let mut r = name[rec..rec + 12].to_vec();
        put16(&mut r, 10, strings.len() as u16);
        records.push(r);
        strings.extend_from_slice(text);
    }
    let mut table = Vec::new();
    for v in [0u16, records.len() as u16, (6 + 12 * records.len()) as u16] {
        table.extend_from_slice(&v.to_be_bytes());
    }
    records.iter().for_each(|r| table.extend_from_slice(r));
    table.extend_from_slice(&strings);
    Ok(table)
}

/// `kern` (version 0) with its format 0 subtables filtered to the pairs of kept glyphs,
/// renumbered and in order; `None` when no pair is left.
fn kern(kern: &[u8], new_id: &BTreeMap<u16, u16>) -> Result<Option<Vec<u8>>> {
    if be16(kern, 0)? != 0 {
        return Ok(None);
    }
    let mut subtables = Vec::new();
    let mut at = 4;
    for _ in 0..be16(kern, 2)? {
        let (length, coverage) = (usize::from(be16(kern, at + 2)?), be16(kern, at + 4)?);
        if coverage >> 8 == 0 {
            let n = usize::from(be16(kern, at + 6)?);
            let mut pairs = Vec::new();
            for p in 0..n {
                let rec = at + 14 + 6 * p;
                let (left, right, value) = (be16(kern, rec)?, be16(kern, rec + 2)?, be16(kern, rec + 4)?);
                if let (Some(&l), Some(&r)) = (new_id.get(&left), new_id.get(&right)) {
                    pairs.push((l, r, value));
                }
            }
            pairs.sort_unstable();
            if !pairs.is_empty() {
                let n = pairs.len() as u16;
                let pow = 1u16 << (15 - n.leading_zeros().min(15));
                let mut sub = Vec::new();
                for v in
                    [0, (14 + 6 * pairs.len()) as u16, coverage, n, 6 * pow, pow.trailing_zeros() as u16, 6 * (n - pow)]
                {
                    sub.extend_from_slice(&v.to_be_bytes());
                }
                for (l, r, v) in pairs {
                    [l, r, v].iter().for_each(|x| sub.extend_from_slice(&x.to_be_bytes()));
                }
                subtables.push(sub);
            }
        }
        at += length.max(6);
    }
    if subtables.is_empty() {
        return Ok(None);
    }
    let mut table = Vec::new();
    table.extend_from_slice(&0u16.to_be_bytes());
    table.extend_from_slice(&(subtables.len() as u16).to_be_bytes());
    subtables.iter().for_each(|s| table.extend_from_slice(s));
    Ok(Some(table))
}

/// The checksum of a table: its big-endian u32 words summed (zero-padded).
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, w| {
        let mut word = [0u8; 4];
        word[..w.len()].copy_from_slice(w);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// The font file of `tables` (in tag order, 4-byte aligned), with checksums and `head`'s
/// checksum adjustment.
fn assemble(tables: BTreeMap<[u8; 4], Vec<u8>>) -> Vec<u8> {
    let n = tables.len() as u16;
    let pow = 1u16 << (15 - n.leading_zeros().min(15));
    let mut font = Vec::new();
    for v in [0x0001u16, 0x0000, n, 16 * pow, pow.trailing_zeros() as u16, 16 * n - 16 * pow] {
        font.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        font.extend_from_slice(tag);
        font.extend_from_slice(&checksum(data).to_be_bytes());
        font.extend_from_slice(&(offset as u32).to_be_bytes());
        font.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().next_multiple_of(4);
    }
    for data in tables.values() {
        font.extend_from_slice(data);
        font.resize(font.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&font));
        put32(&mut font, at + 8, adjustment);
    }
    font
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::style::FONT_BYTES;
    use ttf_parser::{Face, GlyphId};

    fn chars(s: &str) -> BTreeSet<char> {
        s.chars().collect()
    }

    fn kerning(face: &Face<'_>, a: char, b: char) -> i16 {
        let (Some(l), Some(r)) = (face.glyph_index(a), face.glyph_index(b)) else { return 0 };
        face.tables()
            .kern
            .iter()
            .flat_map(|k| k.subtables)
            .filter(|s| s.horizontal && !s.variable)
            .find_map(|s| s.glyphs_kerning(l, r))
            .unwrap_or(0)
    }

    #[test]
    fn the_subset_draws_every_character_as_the_font_does() {
        let text = "Daily outcomes: inbox, junk (5xx) — Gmail ≥ 0.3% AVATAR Tj é µ";
        let set = chars(text);
        let bytes = subset(FONT_BYTES, &set).unwrap();
        assert!(bytes.len() < 40_000, "{} bytes", bytes.len());
        let (full, sub) = (Face::parse(FONT_BYTES, 0).unwrap(), Face::parse(&bytes, 0).unwrap());
        assert_eq!(sub.units_per_em(), full.units_per_em());
        assert_eq!((sub.ascender(), sub.descender()), (full.ascender(), full.descender()));
        for c in set {
            let (g, h) = (full.glyph_index(c).unwrap(), sub.glyph_index(c).unwrap());
            assert_eq!(sub.glyph_hor_advance(h), full.glyph_hor_advance(g), "{c}");
            assert_eq!(sub.glyph_bounding_box(h), full.glyph_bounding_box(g), "{c}");
        }
        for (a, b) in [('A', 'V'), ('T', 'j'), ('V', 'A'), ('A', 'T')] {
            assert_eq!(kerning(&sub, a, b), kerning(&full, a, b), "{a}{b}");
        }
        assert_ne!(kerning(&full, 'A', 'V'), 0, "the font kerns AV");
        assert_eq!(sub.glyph_index('Q'), None, "not asked for");
        assert!(sub.tables().gpos.is_none() && sub.tables().gsub.is_none());
        assert_eq!(sub.number_of_glyphs(), sub.tables().hmtx.map_or(0, |h| h.number_of_metrics));
        assert!(sub.glyph_bounding_box(GlyphId(0)).is_some(), ".notdef is kept");
    }

    #[test]
    fn composite_glyphs_bring_their_components() {
        // é is a composite of e and the acute accent in DejaVu Sans.
        let bytes = subset(FONT_BYTES, &chars("é")).unwrap();
        let sub = Face::parse(&bytes, 0).unwrap();
        assert!(sub.number_of_glyphs() >= 3, "{}", sub.number_of_glyphs());
        let full = Face::parse(FONT_BYTES, 0).unwrap();
        let (g, h) = (full.glyph_index('é').unwrap(), sub.glyph_index('é').unwrap());
        assert_eq!(sub.glyph_bounding_box(h), full.glyph_bounding_box(g));
    }

    #[test]
    fn the_subset_is_deterministic_keeps_the_license_and_checksums() {
        let set = chars("ipwarm 0123456789");
        let a = subset(FONT_BYTES, &set).unwrap();
        assert_eq!(a, subset(FONT_BYTES, &set).unwrap());
        let face = Face::parse(&a, 0).unwrap();
        let names: Vec<u16> = face.names().into_iter().map(|n| n.name_id).collect();
        for id in [0, 1, 13] {
            assert!(names.contains(&id), "name {id} in {names:?}");
        }
        assert_eq!(checksum(&a), 0xB1B0_AFBA, "whole-file checksum with head's adjustment");
        assert!(subset(FONT_BYTES, &BTreeSet::new()).is_ok());
        assert!(subset(b"not a font", &set).is_err());
    }
}
