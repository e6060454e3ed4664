//! Command-line text turned into the SDK's checked values: images and videos (a file, an
//! OBS URL or base64 text), custom fields, lists of codes. Every failure is a usage error
//! (exit 2), found before anything is sent.

use std::io::Read as _;
use std::path::Path;

use frs_request::detection::Attribute;
use frs_request::liveness::Action;
use frs_types::models::face_sets::FieldType;
use frs_types::{ExternalFields, ExternalValue, FieldName, FieldValue, Image, Video};

use crate::args::ImageArgs;
use crate::exit::CliError;

/// Reads base64 text from a file, or from standard input for `-`; surrounding white space
/// (a final newline) is dropped.
fn base64_text(source: &str) -> Result<String, CliError> {
    let mut text = String::new();
    if source == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("cannot read base64 text from standard input: {e}")))?;
    } else {
        text = std::fs::read_to_string(source)
            .map_err(|e| CliError::usage(format!("cannot read base64 text from {source}: {e}")))?;
    }
    Ok(text.trim().to_owned())
}

/// The image the options give: exactly one of a file, `--url` or `--base64`.
pub(crate) fn image(args: &ImageArgs) -> Result<Image, CliError> {
    match (&args.image, &args.url, &args.base64) {
        (Some(path), None, None) => image_file(path),
        (None, Some(url), None) => Ok(Image::from_url(url.clone())?),
        (None, None, Some(source)) => Ok(Image::from_base64_text(base64_text(source)?)?),
        (None, None, None) => Err(CliError::usage("give the image: a file, --url URL or --base64 FILE|-")),
        _ => Err(CliError::usage("give the image one way only: a file, --url or --base64")),
    }
}

/// An image file, checked (format, size) as the SDK reads it.
pub(crate) fn image_file(path: &Path) -> Result<Image, CliError> {
    Ok(frs_ureq::read_image(path)?)
}

/// A video: exactly one of a file, a URL or base64 text.
pub(crate) fn video(file: Option<&Path>, url: Option<&str>, base64: Option<&str>) -> Result<Video, CliError> {
    match (file, url, base64) {
        (Some(path), None, None) => Ok(frs_ureq::read_video(path)?),
        (None, Some(url), None) => Ok(Video::from_url(url.to_owned())?),
        (None, None, Some(source)) => Ok(Video::from_base64_text(base64_text(source)?)?),
        (None, None, None) => Err(CliError::usage("give the video: a file, --url URL or --base64 FILE|-")),
        _ => Err(CliError::usage("give the video one way only: a file, --url or --base64")),
    }
}

/// Two images given the same way, for a comparison.
pub(crate) fn image_pair(args: &crate::args::CompareArgs) -> Result<(Image, Image), CliError> {
    let two = |n: usize| n == 2;
    match (args.images.len(), args.urls.len(), args.base64.len()) {
        (n, 0, 0) if two(n) => Ok((image_file(&args.images[0])?, image_file(&args.images[1])?)),
        (0, n, 0) if two(n) => {
            Ok((Image::from_url(args.urls[0].clone())?, Image::from_url(args.urls[1].clone())?))
        }
        (0, 0, n) if two(n) => {
            if args.base64.iter().all(|s| s == "-") {
                return Err(CliError::usage("only one of the two --base64 sources can be standard input"));
            }
            Ok((
                Image::from_base64_text(base64_text(&args.base64[0])?)?,
                Image::from_base64_text(base64_text(&args.base64[1])?)?,
            ))
        }
        _ => Err(CliError::usage("give two images the same way: two files, --url twice, or --base64 twice")),
    }
}

/// `NAME:TYPE`, a custom field of a new face set.
pub(crate) fn field_schema(text: &str) -> Result<(FieldName, FieldType), CliError> {
    let (name, kind) = text
        .split_once(':')
        .ok_or_else(|| CliError::usage(format!("--field {text:?}: expected NAME:TYPE, e.g. age:integer")))?;
    let types = [
        FieldType::String,
        FieldType::Integer,
        FieldType::Long,
        FieldType::Float,
        FieldType::Double,
        FieldType::Boolean,
    ];
    let field_type = types.into_iter().find(|t| t.as_str() == kind.trim()).ok_or_else(|| {
        CliError::usage(format!(
            "--field {text:?}: unknown type {kind:?} (string, integer, long, float, double or boolean)"
        ))
    })?;
    Ok((FieldName::new(name.trim())?, field_type))
}

/// Splits `NAME=VALUE`.
fn name_value(text: &str) -> Result<(&str, &str), CliError> {
    text.split_once('=').ok_or_else(|| CliError::usage(format!("--field {text:?}: expected NAME=VALUE")))
}

/// `NAME=VALUE` pairs as custom-field values: `true`/`false` are booleans, numbers are
/// numbers, anything else (or a value in double quotes) is text.
pub(crate) fn external_fields(pairs: &[String]) -> Result<Option<ExternalFields>, CliError> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut fields = ExternalFields::new();
    for pair in pairs {
        let (name, value) = name_value(pair)?;
        let value = match value {
            "true" => ExternalValue::Boolean(true),
            "false" => ExternalValue::Boolean(false),
            v if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') => {
                ExternalValue::String(v[1..v.len() - 1].to_owned())
            }
            v => match (v.parse::<i64>(), v.parse::<f64>()) {
                (Ok(n), _) => ExternalValue::Integer(n),
                (_, Ok(x))
                    if x.is_finite() && v.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) =>
                {
                    ExternalValue::Number(x)
                }
                _ => ExternalValue::String(v.to_owned()),
            },
        };
        fields.set(FieldName::new(name)?, value)?;
    }
    Ok(Some(fields))
}

/// `NAME=VALUE`, the custom field a delete matches.
pub(crate) fn field_match(text: &str) -> Result<(FieldName, FieldValue), CliError> {
    let (name, value) = name_value(text)?;
    Ok((FieldName::new(name)?, FieldValue::new(value)?))
}

/// Comma-separated attributes, by name or code.
pub(crate) fn attributes(list: &str) -> Result<Vec<Attribute>, CliError> {
    let named = [
        ("gender", Attribute::Gender),
        ("age", Attribute::Age),
        ("dress", Attribute::Dress),
        ("mask", Attribute::Mask),
        ("hair", Attribute::Hair),
        ("beard", Attribute::Beard),
        ("phototype", Attribute::PhotoType),
        ("quality", Attribute::Quality),
        ("expression", Attribute::Expression),
        ("face_angle", Attribute::FaceAngle),
    ];
    codes(list, "attribute", &named, Attribute::from_code)
}

/// Comma-separated liveness actions, by name or code.
pub(crate) fn actions(list: &str) -> Result<Vec<Action>, CliError> {
    let named = [
        ("shake-left", Action::ShakeLeft),
        ("shake-right", Action::ShakeRight),
        ("nod", Action::Nod),
        ("mouth", Action::Mouth),
        ("blink", Action::Blink),
    ];
    codes(list, "action", &named, Action::from_code)
}

fn codes<T: Copy>(
    list: &str,
    what: &str,
    named: &[(&str, T)],
    from_code: impl Fn(u8) -> Option<T>,
) -> Result<Vec<T>, CliError> {
    list.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|token| {
            let found = match token.parse::<u8>() {
                Ok(code) => from_code(code),
                Err(_) => named.iter().find(|(n, _)| n.eq_ignore_ascii_case(token)).map(|(_, v)| *v),
            };
            found.ok_or_else(|| {
                let names: Vec<&str> = named.iter().map(|(n, _)| *n).collect();
                CliError::usage(format!("unknown {what} {token:?} (one of {})", names.join(", ")))
            })
        })
        .collect()
}

/// `START-END,START-END`: when each action happens, in milliseconds.
pub(crate) fn action_times(list: &str) -> Result<Vec<(u32, u32)>, CliError> {
    list.split(',')
        .map(str::trim)
        .map(|pair| {
            let parsed = pair
                .split_once('-')
                .and_then(|(s, e)| Some((s.trim().parse().ok()?, e.trim().parse().ok()?)));
            parsed.ok_or_else(|| {
                CliError::usage(format!("--action-time: {pair:?} is not START-END in milliseconds"))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_field_values_are_typed_as_they_look() {
        let fields = external_fields(&[
            "age=30".into(),
            "score=0.5".into(),
            "active=true".into(),
            "name=bob".into(),
            "badge=\"0042\"".into(),
        ])
        .unwrap()
        .unwrap();
        let json = serde_json::to_string(&fields).unwrap();
        assert_eq!(json, r#"{"active":true,"age":30,"badge":"0042","name":"bob","score":0.5}"#);
        assert!(external_fields(&[]).unwrap().is_none());
        assert!(external_fields(&["novalue".into()]).is_err());
        assert!(external_fields(&["name=a b".into()]).is_err());
    }

    #[test]
    fn schemas_codes_and_times() {
        let (name, kind) = field_schema("age:integer").unwrap();
        assert_eq!((name.as_str(), kind), ("age", FieldType::Integer));
        assert!(field_schema("age").is_err());
        assert!(field_schema("age:int").unwrap_err().to_string().contains("unknown type"));
        assert_eq!(attributes("age, 1").unwrap(), [Attribute::Age, Attribute::Gender]);
        assert!(attributes("height").is_err());
        assert_eq!(actions("shake-left,3").unwrap(), [Action::ShakeLeft, Action::Nod]);
        assert_eq!(action_times("1000-3000, 4000-7000").unwrap(), [(1000, 3000), (4000, 7000)]);
        assert!(action_times("1000").is_err());
        let (name, value) = field_match("id=home").unwrap();
        assert_eq!((name.as_str(), value.as_str()), ("id", "home"));
    }

    #[test]
    fn an_image_is_given_one_way() {
        assert!(image(&ImageArgs::default()).unwrap_err().to_string().contains("give the image"));
        let both =
            ImageArgs { url: Some("/b/o.jpg".into()), base64: Some("-".into()), ..ImageArgs::default() };
        assert!(image(&both).unwrap_err().to_string().contains("one way only"));
        let url = ImageArgs { url: Some("/bucket/o.jpg".into()), ..ImageArgs::default() };
        assert!(matches!(image(&url).unwrap(), Image::Url(_)));
        let missing = ImageArgs { image: Some("no-such-file.jpg".into()), ..ImageArgs::default() };
        assert_eq!(image(&missing).unwrap_err().exit_code(), crate::exit::USAGE);
    }
}
