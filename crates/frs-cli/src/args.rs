//! The command line: global options, then one subcommand per operation, grouped as the
//! service groups them (face sets, faces, search, detection, liveness), and the tools.
//!
//! Every subcommand's `--help` ends with an example; the top-level help lists the
//! configuration sources and the exit codes.

// The doc comments below are the help text clap prints, so URLs in them stay bare.
#![allow(rustdoc::bare_urls)]

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

/// Shown after the top-level help: where settings come from, and the exit codes scripts can
/// branch on (the same table as `docs/cli.md`).
const TOP_AFTER_HELP: &str = "\
Configuration (the official SDKs' chain; first found wins):
  credentials  --token or --iam-user/--iam-domain (+ FRS_IAM_PASSWORD); HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK (+ HUAWEICLOUD_SDK_SECURITY_TOKEN) or
               FRS_TOKEN; the profile file ~/.huaweicloud/credentials [basic] (or
               HUAWEICLOUD_SDK_CREDENTIALS_FILE); ECS metadata when FRS_METADATA_URL is set
  project id   --project-id, HUAWEICLOUD_SDK_PROJECT_ID, the profile's project_id
  region       --region, FRS_REGION (no default)
  endpoint     --endpoint, --region's, FRS_ENDPOINT, HUAWEICLOUD_SDK_REGION_FRS_<REGION>, the region's
`frs config show` prints what was found and where.

Exit codes:
  0  success
  1  the tool itself failed (cannot write its output)
  2  usage error or bad input, found before anything was sent
  3  credentials missing, or refused by the service (401/403, APIGW.0301, ...)
  4  not found: face set, face, external image id, field value (FRS.0302, FRS.0402, ...)
  5  any other error answer of the service
  6  transport failure or timeout (no answer)

Examples:
  frs face-set create staff --field age:integer
  frs face add staff alice.jpg --external-image-id alice-1 --field age=30
  frs search staff visitor.jpg --top-n 3
  frs face delete staff --external-image-id alice-1 --dry-run";

/// `frs`: Huawei Cloud Face Recognition Service (FRS) from the shell.
#[derive(Debug, Parser)]
#[command(name = "frs", version, after_help = TOP_AFTER_HELP)]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,

    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options accepted by every command, before or after the subcommand.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// The FRS endpoint, e.g. https://face.cn-north-4.myhuaweicloud.com or http://127.0.0.1:8080.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) endpoint: Option<String>,

    /// The region (no default; its public endpoint unless --endpoint is given).
    #[arg(long, global = true, value_name = "ID")]
    pub(crate) region: Option<String>,

    /// The project id put in every path.
    #[arg(long, global = true, value_name = "ID")]
    pub(crate) project_id: Option<String>,

    /// An IAM token, sent as X-Auth-Token (instead of signing with an access key).
    #[arg(long, global = true, value_name = "TOKEN")]
    pub(crate) token: Option<String>,

    /// Log in as this IAM user (password in FRS_IAM_PASSWORD; tokens are obtained and
    /// refreshed by the client).
    #[arg(long, global = true, value_name = "NAME", requires = "iam_domain")]
    pub(crate) iam_user: Option<String>,

    /// The account (domain) of --iam-user.
    #[arg(long, global = true, value_name = "NAME", requires = "iam_user")]
    pub(crate) iam_domain: Option<String>,

    /// The IAM endpoint (tokens, projects), e.g. https://iam.cn-north-4.myhuaweicloud.com.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) iam_endpoint: Option<String>,

    /// How results are printed.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub(crate) output: Format,

    /// Build and sign the request and print it (secrets masked) without sending it.
    #[arg(long, global = true)]
    pub(crate) dry_run: bool,

    /// Print each HTTP call (request line, status, request id, time) on stderr.
    #[arg(long, global = true)]
    pub(crate) verbose: bool,

    /// Longest time for one attempt, in seconds (default 120).
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_timeout)]
    pub(crate) timeout: Option<Duration>,

    /// How many times a failed call is retried when that is safe (default 2).
    #[arg(long, global = true, value_name = "N")]
    pub(crate) retries: Option<u32>,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// One JSON document: the service's answer.
    Json,
    /// One JSON object per line: one per item of a listing.
    Jsonl,
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text.parse().map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err("the timeout must be more than 0 and at most 86400 seconds".to_owned());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Face sets: create, list, show, delete.
    #[command(subcommand, name = "face-set")]
    FaceSet(FaceSetCommand),
    /// Faces in a face set: add, list, show, update, delete, batch-delete.
    #[command(subcommand)]
    Face(FaceCommand),
    /// Search a face set for the faces most like a query face.
    #[command(after_help = "Examples:\n  frs search staff visitor.jpg --top-n 3 --threshold 0.93\n  \
                            frs search staff --face-id 2f1c9a7b --filter 'age:[20 TO 40]'")]
    Search(SearchArgs),
    /// Detect the faces of an image, with attributes.
    #[command(after_help = "Example:\n  frs detect group.jpg --attributes age,gender")]
    Detect(DetectArgs),
    /// Compare the largest faces of two images.
    #[command(after_help = "Examples:\n  frs compare alice-1.jpg alice-2.jpg\n  \
                            frs compare --url /bucket/a.jpg --url /bucket/b.jpg")]
    Compare(CompareArgs),
    /// Liveness: action liveness from a video, silent liveness from a photo.
    #[command(subcommand)]
    Live(LiveCommand),
    /// The configuration `frs` uses.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The signing debugger: signs requests described as JSON lines and shows every step.
    #[command(after_help = "Example:\n  echo '{\"ak\":\"AK\",\"sk\":\"SK\",\"method\":\"GET\",\
                            \"host\":\"face.cn-north-4.myhuaweicloud.com\",\"path\":\"/v2/p/face-sets\"}' | frs sign")]
    Sign(SignArgs),
    /// Run a local FRS emulator (the options of the `frs-emulator` binary).
    #[command(after_help = "Examples:\n  frs emulator --port 8080\n  \
                            eval \"$(frs emulator --port 8080 --print-env)\"")]
    Emulator(EmulatorArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  frs completions bash > ~/.local/share/bash-completion/completions/frs"
    )]
    Completions(CompletionsArgs),
    /// A narrated tour of the whole API against an embedded emulator.
    #[command(after_help = "Example:\n  frs demo")]
    Demo(DemoArgs),
    /// A load generator: repeats one operation and prints the rate and latencies as JSON.
    #[command(after_help = "Examples:\n  frs bench delete-face --requests 10000 --concurrency 8\n  \
                            frs bench search face.jpg --face-set staff --transport async --concurrency 32")]
    Bench(BenchArgs),
}

// ---- face sets ---------------------------------------------------------------------------

/// `frs face-set ...`
#[derive(Debug, Subcommand)]
pub(crate) enum FaceSetCommand {
    /// Create a face set, with the custom fields faces may carry.
    #[command(
        after_help = "Example:\n  frs face-set create staff --capacity 10000 --field age:integer --field badge:string"
    )]
    Create(CreateFaceSetArgs),
    /// List the face sets of the project.
    #[command(after_help = "Example:\n  frs face-set list --output json")]
    List,
    /// Show one face set.
    #[command(after_help = "Example:\n  frs face-set show staff")]
    Show(FaceSetArg),
    /// Delete a face set and every face in it (no confirmation is asked).
    #[command(after_help = "Example:\n  frs face-set delete staff")]
    Delete(FaceSetArg),
}

/// A face set named on the command line.
#[derive(Debug, Args)]
pub(crate) struct FaceSetArg {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
}

/// `frs face-set create`
#[derive(Debug, Args)]
pub(crate) struct CreateFaceSetArgs {
    /// The new face set's name.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// How many faces it may hold: a multiple of 10000, up to 100000 (the default).
    #[arg(long, value_name = "N")]
    pub(crate) capacity: Option<u32>,
    /// A custom field: NAME:TYPE, TYPE one of string, integer, long, float, double, boolean
    /// (repeatable).
    #[arg(long = "field", value_name = "NAME:TYPE")]
    pub(crate) fields: Vec<String>,
}

// ---- faces -------------------------------------------------------------------------------

/// `frs face ...`
#[derive(Debug, Subcommand)]
pub(crate) enum FaceCommand {
    /// Add the faces of an image to a face set.
    #[command(
        after_help = "Examples:\n  frs face add staff alice.jpg --external-image-id alice-1 --field age=30\n  \
                            base64 -w0 alice.jpg | frs face add staff --base64 -"
    )]
    Add(AddFaceArgs),
    /// List the faces of a face set (every page, unless --limit/--offset ask for one).
    #[command(
        after_help = "Examples:\n  frs face list staff\n  frs face list staff --offset 100 --limit 50 --output jsonl"
    )]
    List(ListFacesArgs),
    /// Show one face.
    #[command(after_help = "Example:\n  frs face show staff 2f1c9a7b")]
    Show(FaceIdArgs),
    /// Change a face's external image id or custom fields.
    #[command(after_help = "Example:\n  frs face update staff 2f1c9a7b --field age=31")]
    Update(UpdateFaceArgs),
    /// Delete faces by external image id, face id or a custom field's value.
    #[command(after_help = "Examples:\n  frs face delete staff --external-image-id alice-1\n  \
                            frs face delete staff --face-id 2f1c9a7b\n  frs face delete staff --field id=home")]
    Delete(DeleteFacesArgs),
    /// Delete every face matching a filter.
    #[command(
        name = "batch-delete",
        after_help = "Example:\n  frs face batch-delete staff --filter 'age:[60 TO 99]'"
    )]
    BatchDelete(BatchDeleteArgs),
    /// Enrol every image of a folder (recursively) or of a CSV manifest, with a ledger.
    #[command(after_help = "Examples:\n  frs face import staff ./photos --concurrency 8 --qps 20\n  \
                            frs face import staff manifest.csv --ledger staff.sqlite\n\n\
                            The ledger (default: $XDG_STATE_HOME/frs/ledger.sqlite, else \
                            ~/.local/state/frs/ledger.sqlite) records every image by content hash: \
                            re-running skips what is enrolled, resumes after Ctrl-C or kill -9 \
                            without enrolling twice, and retries what failed. See docs/bulk.md.")]
    Import(ImportArgs),
    /// Delete many faces: from a file of selectors, by a filter, or all a ledger enrolled.
    #[command(
        name = "delete-many",
        after_help = "Examples:\n  frs face delete-many staff --file leavers.txt\n  \
                            frs face delete-many staff --filter 'age:[60 TO 99]'\n  \
                            frs face delete-many staff --ledger staff.sqlite --dry-run\n\n\
                            A file holds one selector a line: an external image id, \
                            face_id=ID, external_image_id=ID or FIELD=VALUE (# starts a comment)."
    )]
    DeleteMany(DeleteManyArgs),
    /// Every face of a face set, all pages, as JSON lines.
    #[command(after_help = "Example:\n  frs face export staff > staff.jsonl")]
    Export(FaceSetArg),
    /// Compare what a ledger says is enrolled with what the face set holds.
    #[command(after_help = "Example:\n  frs face reconcile staff --ledger staff.sqlite")]
    Reconcile(ReconcileArgs),
}

/// `frs face import`
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// A folder of images (.jpg, .jpeg, .png, .bmp; walked recursively in name order) or a
    /// CSV manifest: path,external_image_id,field=value... (paths relative to the CSV).
    #[arg(value_name = "DIR_OR_CSV")]
    pub(crate) source: PathBuf,
    /// The ledger file (SQLite).
    #[arg(long, value_name = "FILE")]
    pub(crate) ledger: Option<PathBuf>,
    /// Adds in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) concurrency: u16,
    /// At most this many requests per second (the client's rate limit).
    #[arg(long, value_name = "N")]
    pub(crate) qps: Option<f64>,
    /// Stop starting adds after this many failures.
    #[arg(long, value_name = "N")]
    pub(crate) max_failures: Option<u64>,
}

/// `frs face delete-many`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["file", "filter", "ledger"])))]
pub(crate) struct DeleteManyArgs {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// A file of selectors, one a line (- for standard input).
    #[arg(long, value_name = "FILE|-")]
    pub(crate) file: Option<String>,
    /// Every face matching this filter (one batch delete).
    #[arg(long, value_name = "FILTER")]
    pub(crate) filter: Option<String>,
    /// Every face this ledger enrolled in the face set.
    #[arg(long, value_name = "FILE")]
    pub(crate) ledger: Option<PathBuf>,
    /// Deletes in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) concurrency: u16,
    /// At most this many requests per second.
    #[arg(long, value_name = "N")]
    pub(crate) qps: Option<f64>,
}

/// `frs face reconcile`
#[derive(Debug, Args)]
pub(crate) struct ReconcileArgs {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// The ledger file (default: as for import).
    #[arg(long, value_name = "FILE")]
    pub(crate) ledger: Option<PathBuf>,
}

/// Where an image comes from: a file, an OBS URL or base64 text.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ImageArgs {
    /// The image file (JPG, PNG, JPEG or BMP; sent as a multipart file part).
    #[arg(value_name = "IMAGE")]
    pub(crate) image: Option<PathBuf>,
    /// The image as an OBS URL instead (/bucket/object or https://bucket.obs...).
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// The image as base64 text, read from a file or from standard input (-).
    #[arg(long, value_name = "FILE|-")]
    pub(crate) base64: Option<String>,
}

/// `frs face add`
#[derive(Debug, Args)]
pub(crate) struct AddFaceArgs {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// The image.
    #[command(flatten)]
    pub(crate) image: ImageArgs,
    /// The id to give the image (otherwise the service makes one).
    #[arg(long, value_name = "ID")]
    pub(crate) external_image_id: Option<String>,
    /// A custom-field value: NAME=VALUE (repeatable); VALUE is read as a boolean or number
    /// when it looks like one, `"..."` forces text.
    #[arg(long = "field", value_name = "NAME=VALUE")]
    pub(crate) fields: Vec<String>,
    /// Add only the largest face of the image.
    #[arg(long)]
    pub(crate) single: bool,
}

/// `frs face list`
#[derive(Debug, Args)]
pub(crate) struct ListFacesArgs {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// List one page of this many faces (from --offset, default 0).
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<u32>,
    /// List one page from this position (of --limit faces, default 5 as the service).
    #[arg(long, value_name = "N")]
    pub(crate) offset: Option<u32>,
    /// Faces per request when listing every page.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub(crate) page_size: u32,
}

/// A face of a face set.
#[derive(Debug, Args)]
pub(crate) struct FaceIdArgs {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// The face id.
    #[arg(value_name = "FACE_ID")]
    pub(crate) face_id: String,
}

/// `frs face update`
#[derive(Debug, Args)]
pub(crate) struct UpdateFaceArgs {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// The face id.
    #[arg(value_name = "FACE_ID")]
    pub(crate) face_id: String,
    /// The new external image id.
    #[arg(long, value_name = "ID")]
    pub(crate) external_image_id: Option<String>,
    /// A new custom-field value: NAME=VALUE (repeatable).
    #[arg(long = "field", value_name = "NAME=VALUE")]
    pub(crate) fields: Vec<String>,
}

/// `frs face delete`: exactly one way of choosing the faces.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("selector").required(true).multiple(false)))]
pub(crate) struct DeleteFacesArgs {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// Delete every face added from this image.
    #[arg(long, value_name = "ID", group = "selector")]
    pub(crate) external_image_id: Option<String>,
    /// Delete this face.
    #[arg(long, value_name = "ID", group = "selector")]
    pub(crate) face_id: Option<String>,
    /// Delete every face whose custom field NAME equals VALUE.
    #[arg(long, value_name = "NAME=VALUE", group = "selector")]
    pub(crate) field: Option<String>,
}

/// `frs face batch-delete`
#[derive(Debug, Args)]
pub(crate) struct BatchDeleteArgs {
    /// The face set.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// Which faces: a filter expression, e.g. 'age:[20 TO 40] && active:true'.
    #[arg(long, value_name = "EXPR")]
    pub(crate) filter: String,
}

// ---- search ------------------------------------------------------------------------------

/// `frs search`
#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// The face set to search.
    #[arg(value_name = "FACE_SET")]
    pub(crate) face_set: String,
    /// The query image.
    #[command(flatten)]
    pub(crate) image: ImageArgs,
    /// Search with a stored face instead of an image.
    #[arg(long, value_name = "ID")]
    pub(crate) face_id: Option<String>,
    /// Return at most this many faces (1-1000; the service's default is 10).
    #[arg(long, value_name = "N")]
    pub(crate) top_n: Option<u32>,
    /// Return only faces at least this similar (0-1; 0.93 is the suggested value).
    #[arg(long, value_name = "X")]
    pub(crate) threshold: Option<f64>,
    /// Search only the faces matching this filter expression.
    #[arg(long, value_name = "EXPR")]
    pub(crate) filter: Option<String>,
    /// Order the hits by a numeric custom field: FIELD or FIELD:asc|desc (repeatable).
    #[arg(long = "sort", value_name = "FIELD[:asc|desc]")]
    pub(crate) sort: Vec<String>,
    /// Return only these custom fields in each hit (repeatable).
    #[arg(long = "return-field", value_name = "FIELD")]
    pub(crate) return_fields: Vec<String>,
}

// ---- detection ---------------------------------------------------------------------------

/// `frs detect`
#[derive(Debug, Args)]
pub(crate) struct DetectArgs {
    /// The image.
    #[command(flatten)]
    pub(crate) image: ImageArgs,
    /// Attributes to report, by name or code, comma-separated: gender, age, dress, mask,
    /// hair, beard, phototype, quality, expression, face_angle.
    #[arg(long, value_name = "LIST")]
    pub(crate) attributes: Option<String>,
}

/// `frs compare`: two images given the same way.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The two image files.
    #[arg(value_name = "IMAGE", num_args = 0..=2)]
    pub(crate) images: Vec<PathBuf>,
    /// The two images as OBS URLs instead (give --url twice).
    #[arg(long = "url", value_name = "URL")]
    pub(crate) urls: Vec<String>,
    /// The two images as base64 text files instead (give --base64 twice; one may be -).
    #[arg(long = "base64", value_name = "FILE|-")]
    pub(crate) base64: Vec<String>,
}

// ---- liveness ----------------------------------------------------------------------------

/// `frs live ...`
#[derive(Debug, Subcommand)]
pub(crate) enum LiveCommand {
    /// Check that the person in a video performs the actions.
    #[command(
        after_help = "Example:\n  frs live detect clip.mp4 --actions shake-left,nod --action-time 1000-3000,4000-7000"
    )]
    Detect(LiveDetectArgs),
    /// Decide from one photo whether the face is of a live person.
    #[command(name = "detect-face", after_help = "Example:\n  frs live detect-face selfie.jpg")]
    DetectFace(LiveDetectFaceArgs),
}

/// `frs live detect`
#[derive(Debug, Args)]
pub(crate) struct LiveDetectArgs {
    /// The video file (MP4, AVI, FLV, WEBM, ASF or MOV).
    #[arg(value_name = "VIDEO")]
    pub(crate) video: Option<PathBuf>,
    /// The video as an OBS URL instead.
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// The video as base64 text, read from a file or from standard input (-).
    #[arg(long, value_name = "FILE|-")]
    pub(crate) base64: Option<String>,
    /// The actions, in order, by name or code, comma-separated: shake-left (1),
    /// shake-right (2), nod (3), mouth (4), blink (5).
    #[arg(long, value_name = "LIST")]
    pub(crate) actions: String,
    /// When each action happens, in ms: START-END per action, comma-separated.
    #[arg(long, value_name = "LIST")]
    pub(crate) action_time: Option<String>,
    /// How far a nod must go to count, in degrees (1-90).
    #[arg(long, value_name = "DEGREES")]
    pub(crate) nod_threshold: Option<f64>,
    /// Use the international endpoint (/v2/.../live-detect).
    #[arg(long)]
    pub(crate) intl: bool,
}

/// `frs live detect-face`
#[derive(Debug, Args)]
pub(crate) struct LiveDetectFaceArgs {
    /// The photo.
    #[command(flatten)]
    pub(crate) image: ImageArgs,
}

// ---- tools -------------------------------------------------------------------------------

/// `frs config ...`
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print each setting, its value (secrets masked) and where it came from.
    #[command(after_help = "Example:\n  frs config show --endpoint http://127.0.0.1:8080")]
    Show,
}

/// `frs sign`
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The JSON lines to sign (default: standard input).
    #[arg(value_name = "FILE|-")]
    pub(crate) input: Option<PathBuf>,
}

/// `frs emulator`: the emulator binary's options, plus `--print-env`.
#[derive(Debug, Args)]
pub(crate) struct EmulatorArgs {
    /// The emulator's own options.
    #[command(flatten)]
    pub(crate) emulator: frs_emulator::cli::Args,
    /// Print the `export` lines that point `frs` and the SDKs at this emulator, and exit.
    #[arg(long)]
    pub(crate) print_env: bool,
}

/// `frs completions`
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

/// `frs demo`: a narrated run of the whole API against an embedded emulator (no options).
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        let before = Cli::try_parse_from(["frs", "--output", "json", "face-set", "list"]).unwrap();
        let after = Cli::try_parse_from(["frs", "face-set", "list", "--output", "json"]).unwrap();
        assert_eq!(before.global.output, Format::Json);
        assert_eq!(after.global.output, Format::Json);
    }

    #[test]
    fn every_subcommand_has_an_example() {
        fn walk(command: &clap::Command, path: &str) {
            let path = format!("{path} {}", command.get_name());
            if command.has_subcommands() {
                for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
                    walk(sub, &path);
                }
            } else {
                let help = command.get_after_help().map(ToString::to_string).unwrap_or_default();
                assert!(help.contains("Example"), "{path} has no example");
            }
        }
        walk(&Cli::command(), "");
    }

    /// Every `frs` command the spec names (the CLI column of docs/migration.md) is accepted by
    /// the real command line, as those subcommands, with placeholders filled in.
    #[test]
    fn every_command_the_spec_names_parses() {
        assert_eq!(crate::spec_commands::SPEC_COMMANDS.len(), 36);
        for (operation, command) in crate::spec_commands::SPEC_COMMANDS {
            let words: Vec<&str> =
                command.split_whitespace().map(|w| if w == "N" { "1" } else { w }).collect();
            let matches = Cli::command()
                .try_get_matches_from(&words)
                .unwrap_or_else(|e| panic!("{operation}: `{command}` does not parse:\n{e}"));
            let mut chain = Vec::new();
            let mut at = &matches;
            while let Some((name, sub)) = at.subcommand() {
                chain.push(name);
                at = sub;
            }
            let named: Vec<&str> = words[1..]
                .iter()
                .copied()
                .take_while(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))
                .collect();
            assert_eq!(chain, named, "{operation}: `{command}` runs another subcommand");
            assert!(Cli::try_parse_from(&words).is_ok(), "{operation}: `{command}`");
        }
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("1.5").unwrap(), Duration::from_millis(1500));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("soon").is_err());
    }
}

/// `frs bench`: the operation, how many calls, from how many workers, over which client.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// The operation to repeat.
    #[arg(value_enum)]
    pub(crate) operation: BenchOperation,
    /// The image of `search` and `add-face`.
    #[command(flatten)]
    pub(crate) image: ImageArgs,
    /// The face set the calls name.
    #[arg(long, value_name = "NAME", default_value = "bench")]
    pub(crate) face_set: String,
    /// The external image id `delete-face` deletes and `add-face` gives.
    #[arg(long, value_name = "ID", default_value = "bench-image")]
    pub(crate) external_image_id: String,
    /// How many calls to send in all.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub(crate) requests: u64,
    /// How many calls are in flight at once (threads, or tasks with `--transport async`).
    #[arg(long, value_name = "C", default_value_t = 1)]
    pub(crate) concurrency: usize,
    /// The client: `blocking` (frs_ureq, one thread per worker) or `async` (frs_reqwest on tokio).
    #[arg(long, value_enum, default_value_t = BenchTransport::Blocking)]
    pub(crate) transport: BenchTransport,
}

/// The operations `frs bench` can repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BenchOperation {
    /// Delete the faces of one external image id.
    DeleteFace,
    /// Search the face set with an image.
    Search,
    /// Add the faces of an image.
    AddFace,
}

impl BenchOperation {
    /// The name as given on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::DeleteFace => "delete-face",
            Self::Search => "search",
            Self::AddFace => "add-face",
        }
    }
}

/// The client `frs bench` drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BenchTransport {
    /// `frs_ureq::Client`, one thread per worker.
    Blocking,
    /// `frs_reqwest::Client` on a multi-threaded tokio runtime, one task per worker.
    Async,
}

impl BenchTransport {
    /// The name as given on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Blocking => "blocking",
            Self::Async => "async",
        }
    }
}
