//! `X-Sdk-Date`: UTC time as `YYYYMMDDTHHMMSSZ`, from a time the caller passes in.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sign_error::SignError;

/// Formats `time` as the signer's date, e.g. `20240315T102030Z` (second precision, UTC).
///
/// # Errors
/// [`SignError::ClockBeforeEpoch`] for a time before 1970 or after year 9999.
pub fn format_sdk_date(time: SystemTime) -> Result<String, SignError> {
    let bytes = sdk_date_bytes(time)?;
    Ok(bytes.iter().map(|&b| char::from(b)).collect())
}

/// [`format_sdk_date`] on the stack: the 16 ASCII bytes of `YYYYMMDDTHHMMSSZ`.
pub(crate) fn sdk_date_bytes(time: SystemTime) -> Result<[u8; 16], SignError> {
    let secs = time.duration_since(UNIX_EPOCH).map_err(|_| SignError::ClockBeforeEpoch)?.as_secs();
    let days = i64::try_from(secs / 86_400).map_err(|_| SignError::ClockBeforeEpoch)?;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    if y > 9999 {
        return Err(SignError::ClockBeforeEpoch);
    }
    // Digits by hand: `format!` was a visible share of every signature.
    let y = u32::try_from(y).map_err(|_| SignError::ClockBeforeEpoch)?;
    // Each digit is below 10, so the conversion cannot fail.
    let digit = |n: u32| b'0' + u8::try_from(n % 10).unwrap_or(0);
    let two = |n: u32| [digit(n / 10), digit(n)];
    let rem = u32::try_from(rem).unwrap_or(0);
    let mut out = [0u8; 16];
    out[..2].copy_from_slice(&two(y / 100));
    out[2..4].copy_from_slice(&two(y % 100));
    out[4..6].copy_from_slice(&two(m));
    out[6..8].copy_from_slice(&two(d));
    out[8] = b'T';
    out[9..11].copy_from_slice(&two(rem / 3600));
    out[11..13].copy_from_slice(&two(rem % 3600 / 60));
    out[13..15].copy_from_slice(&two(rem % 60));
    out[15] = b'Z';
    Ok(out)
}

/// Parses a well-formed `YYYYMMDDTHHMMSSZ` date (exactly 16 characters).
///
/// The official signer's parser is lenient (`2024315T102030Z` is read as 2024-03-15); we
/// accept only the full form, which is the only one any client generates.
///
/// # Errors
/// [`SignError::InvalidDate`] for anything else.
pub fn parse_sdk_date(text: &str) -> Result<SystemTime, SignError> {
    let invalid = || SignError::InvalidDate { value: text.chars().take(32).collect() };
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return Err(invalid());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u32, SignError> {
        let part = &b[r];
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(invalid());
        }
        Ok(part.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
    };
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || hh > 23 || mm > 59 || ss > 59 {
        return Err(invalid());
    }
    let days = days_from_civil(i64::from(y), m, d);
    let secs = u64::try_from(days).map_err(|_| invalid())? * 86_400 + u64::from(hh * 3600 + mm * 60 + ss);
    Ok(UNIX_EPOCH + Duration::from_secs(secs))
}

fn is_leap(y: u32) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms (public domain), proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses an HTTP `Date` header (`Tue, 01 Dec 2026 23:41:32 GMT`, RFC 9110's IMF-fixdate),
/// as the gateway sends it; the obsolete forms are not accepted.
pub(crate) fn parse_http_date(text: &str) -> Option<SystemTime> {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mut parts = text.split_ascii_whitespace();
    let (_weekday, day, month, year, time, zone) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || zone != "GMT" || day.len() != 2 || year.len() != 4 || time.len() != 8 {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    let t = time.as_bytes();
    if t[2] != b':' || t[5] != b':' || !text.is_ascii() {
        return None;
    }
    // `YYYYMMDDTHHMMSSZ` on the stack (every answer's `Date` is read, for the clock's skew).
    let mut compact = *b"00000000T000000Z";
    compact[..4].copy_from_slice(year.as_bytes());
    #[allow(clippy::cast_possible_truncation)] // month <= 12
    let month = [b'0' + (month / 10) as u8, b'0' + (month % 10) as u8];
    compact[4..6].copy_from_slice(&month);
    compact[6..8].copy_from_slice(day.as_bytes());
    for (i, j) in [(0, 9), (1, 10), (3, 11), (4, 12), (6, 13), (7, 14)] {
        compact[j] = t[i];
    }
    parse_sdk_date(std::str::from_utf8(&compact).ok()?).ok()
}

/// Parses IAM's and the ECS metadata service's `2024-03-16T10:20:30.123000Z` (any fraction, `Z` or `+00:00`).
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if !text.is_ascii()
        || b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let compact = format!(
        "{}{}{}T{}{}{}Z",
        &text[0..4],
        &text[5..7],
        &text[8..10],
        &text[11..13],
        &text[14..16],
        &text[17..19]
    );
    let base = parse_sdk_date(&compact).ok()?;
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (i, d) in frac[..digits].bytes().take(9).enumerate() {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - u32::try_from(i).ok()?);
        }
        rest = &frac[digits..];
    }
    let offset_secs: i64 = match rest {
        "Z" | "z" => 0,
        tz if tz.len() == 6 && (tz.starts_with('+') || tz.starts_with('-')) && tz.as_bytes()[3] == b':' => {
            let h: i64 = tz[1..3].parse().ok()?;
            let m: i64 = tz[4..6].parse().ok()?;
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (h * 3600 + m * 60)
        }
        _ => return None,
    };
    let t = base + Duration::from_nanos(nanos.into());
    let shift = Duration::from_secs(offset_secs.unsigned_abs());
    // Local time = UTC + offset, so UTC = local - offset.
    if offset_secs >= 0 { t.checked_sub(shift) } else { t.checked_add(shift) }.filter(|t| *t >= UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_710_498_030);
        assert_eq!(format_sdk_date(t).unwrap(), "20240315T102030Z");
        assert_eq!(format_sdk_date(UNIX_EPOCH).unwrap(), "19700101T000000Z");
        assert_eq!(parse_sdk_date("20240315T102030Z").unwrap(), t);
        assert_eq!(format_sdk_date(parse_sdk_date("20000229T235959Z").unwrap()).unwrap(), "20000229T235959Z");
        for bad in [
            "2024315T102030Z",
            "20240315 102030Z",
            "20230229T000000Z",
            "20240315T246030Z",
            "20240315T102030z",
            "",
        ] {
            assert!(parse_sdk_date(bad).is_err(), "{bad}");
        }
        assert!(format_sdk_date(UNIX_EPOCH - Duration::from_secs(1)).is_err());
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(secs in 0u64..253_402_300_799) {
            let t = UNIX_EPOCH + Duration::from_secs(secs);
            let text = format_sdk_date(t).unwrap();
            prop_assert_eq!(text.len(), 16);
            prop_assert_eq!(parse_sdk_date(&text).unwrap(), t);
            // The same instant as an IMF-fixdate `Date` header reads back.
            const MONTHS: [&str; 12] =
                ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
            let month = MONTHS[text[4..6].parse::<usize>().unwrap() - 1];
            let imf = format!(
                "Mon, {} {month} {} {}:{}:{} GMT",
                &text[6..8], &text[0..4], &text[9..11], &text[11..13], &text[13..15]
            );
            prop_assert_eq!(parse_http_date(&imf), Some(t));
        }
    }

    #[test]
    fn http_dates() {
        let t =
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").and_then(|t| t.duration_since(UNIX_EPOCH).ok());
        assert_eq!(t, Some(Duration::from_secs(784_111_777)));
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08-49-37 GMT",
            "Sun, 06 Nov 1994 08:4a:37 GMT",
            "Sun, 06 Nov 199x 08:49:37 GMT",
            "Sun, 0x Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Xyz 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc3339_times() {
        let t = parse_rfc3339("2024-03-15T10:20:30.500000Z").unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap(), Duration::from_millis(1_710_498_030_500));
        assert_eq!(
            parse_rfc3339("2024-03-15T12:20:30+02:00").unwrap(),
            parse_rfc3339("2024-03-15T10:20:30Z").unwrap()
        );
        for bad in ["", "2024-03-15", "2024-03-15T10:20:30", "2024-03-15T10:20:30.Z", "2024-13-15T10:20:30Z"]
        {
            assert!(parse_rfc3339(bad).is_none(), "{bad}");
        }
    }
}
