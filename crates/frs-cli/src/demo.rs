//! `frs demo`: the whole FRS API, narrated, against an emulator embedded in the process —
//! no account, no network beyond 127.0.0.1, nothing to set up. Every step checks what the
//! service answered; the first step that does not get what it expects stops the demo with
//! a non-zero exit.
//!
//! Requests are signed with AK/SK exactly as they would be for the real service; only the
//! endpoint differs.

use std::error::Error;
use std::fmt::Write as _;
use std::time::Instant;

use frs_emulator::testimage::{TestImage, TestVideo};
use frs_emulator::{Emulator, EmulatorConfig};
use frs_request::detection::{Attribute, CompareFaces, DetectFaces};
use frs_request::face_sets::{CreateFaceSet, DeleteFaceSet, ShowAllFaceSets, ShowFaceSet};
use frs_request::faces::{AddFaces, BatchDeleteFaces, DeleteFaces, UpdateFace};
use frs_request::liveness::{Action, DetectLive, DetectLiveFace};
use frs_request::search::SearchFaces;
use frs_request::{Config, Credentials, Endpoint};
use frs_types::models::face_sets::FieldType;
use frs_types::{ErrorCode, ExternalFields, FaceSetName, Filter, Image, Sort, Video};

use crate::args::DemoArgs;
use crate::exit::CliError;

/// What a step returns: its one-line result, or why it failed.
type StepResult = Result<String, Box<dyn Error>>;

/// Fails the step with a message when a condition the service should meet does not hold.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        let holds: bool = $cond;
        if !holds {
            return Err(format!($($msg)+).into());
        }
    };
}

/// Why the demo stopped: the step and what went wrong.
#[derive(Debug)]
pub(crate) struct DemoFailed {
    /// The step's number and title.
    pub(crate) step: String,
    /// What went wrong.
    pub(crate) reason: String,
}

impl std::fmt::Display for DemoFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "demo step {} failed: {}", self.step, self.reason)
    }
}

impl Error for DemoFailed {}

/// The narrator: numbers the steps, prints each title and result, stops at the first failure.
struct Narrator {
    step: usize,
    out: String,
    print: bool,
}

impl Narrator {
    fn run(&mut self, title: &str, step: impl FnOnce() -> StepResult) -> Result<(), DemoFailed> {
        self.step += 1;
        self.say(&format!("{:>2}. {title}", self.step));
        let started = Instant::now();
        match step() {
            Ok(result) => {
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                self.say(&format!("    ✓ {result} ({ms:.1} ms)"));
                Ok(())
            }
            Err(e) => {
                self.say(&format!("    ✗ {e}"));
                Err(DemoFailed { step: format!("{} ({title})", self.step), reason: e.to_string() })
            }
        }
    }

    fn say(&mut self, line: &str) {
        if self.print {
            println!("{line}");
        }
        let _ = writeln!(self.out, "{line}");
    }
}

/// Runs the demo, printing each step to stdout.
///
/// # Errors
/// [`CliError::Failed`] naming the first step that did not get what it expected.
pub(crate) fn run(_args: &DemoArgs) -> Result<(), CliError> {
    run_with(true).map(|_| ()).map_err(|e| CliError::Failed(e.to_string()))
}

/// Runs the demo; returns the narration (also printed when `print`).
fn run_with(print: bool) -> Result<String, DemoFailed> {
    let mut n = Narrator { step: 0, out: String::new(), print };
    let emulator = Emulator::start(EmulatorConfig::default()).map_err(setup)?;
    n.say(&format!(
        "frs demo: the whole Face Recognition Service API against an embedded emulator at {}",
        emulator.endpoint()
    ));
    n.say(&format!(
        "every request is signed with SDK-HMAC-SHA256 as for the real service (access key {}, project {})",
        EmulatorConfig::DEFAULT_ACCESS_KEY,
        EmulatorConfig::DEFAULT_PROJECT_ID
    ));
    n.say("");
    let config = Config::new(
        Endpoint::parse(&emulator.endpoint()).map_err(setup)?,
        EmulatorConfig::DEFAULT_PROJECT_ID.parse().map_err(setup)?,
        Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
    );
    let client = frs_ureq::Client::new(config);
    let staff = "staff".parse().map_err(setup)?;
    let tour = Tour { client: &client, staff };
    tour.walk(&mut n)?;
    n.say("");
    n.say(&format!(
        "all {} steps got the answers they expected; {} requests went to the emulator",
        n.step,
        emulator.requests().len()
    ));
    Ok(n.out)
}

/// A failure before the first step: starting the emulator, configuring the client.
fn setup(e: impl std::fmt::Display) -> DemoFailed {
    DemoFailed { step: "0 (start the emulator and configure the client)".into(), reason: e.to_string() }
}

/// The steps, in the order a new user meets the service.
struct Tour<'a> {
    client: &'a frs_ureq::Client,
    staff: FaceSetName,
}

impl Tour<'_> {
    fn add(
        &self,
        image_id: &str,
        photo: Vec<u8>,
        floor: i64,
        badge: &str,
    ) -> Result<Vec<String>, Box<dyn Error>> {
        let fields = ExternalFields::new().with("floor", floor)?.with("badge", badge)?;
        let added = self.client.execute(
            &AddFaces::new(self.staff.clone(), Image::from_bytes(format!("{image_id}.png"), photo)?)
                .external_image_id(image_id.parse()?)
                .external_fields(fields)
                .single(false),
        )?;
        Ok(added.faces.iter().flatten().filter_map(|f| f.face_id.clone()).collect())
    }

    #[allow(clippy::too_many_lines)] // one narrated walk, step after step
    fn walk(&self, n: &mut Narrator) -> Result<(), DemoFailed> {
        let client = self.client;
        n.run("create face set \"staff\" with custom fields floor (integer) and badge (string)", || {
            let created = client.execute(
                &CreateFaceSet::new(self.staff.clone())
                    .capacity(10_000)?
                    .field("floor".parse()?, FieldType::Integer)?
                    .field("badge".parse()?, FieldType::String)?,
            )?;
            let info = created.face_set_info.clone().unwrap_or_default();
            ensure!(
                info.face_set_name.as_deref() == Some("staff"),
                "the new set is called {:?}",
                info.face_set_name
            );
            Ok(format!("created, id {}", info.face_set_id.unwrap_or_default()))
        })?;
        n.run("list the project's face sets", || {
            let all = client.execute(&ShowAllFaceSets)?;
            let names: Vec<_> =
                all.face_sets_info.iter().flatten().filter_map(|s| s.face_set_name.clone()).collect();
            ensure!(names == ["staff"], "expected just staff, got {names:?}");
            Ok(format!("{} face set: {}", names.len(), names.join(", ")))
        })?;

        let alice = std::cell::RefCell::new(Vec::new());
        let bob = std::cell::RefCell::new(Vec::new());
        n.run(
            "add two photos of alice (floor 3, badge A-1 and A-2) and one of bob (floor 4, badge B-7)",
            || {
                alice.borrow_mut().extend(self.add(
                    "alice-1",
                    TestImage::person("alice").variant(1).png(),
                    3,
                    "A-1",
                )?);
                alice.borrow_mut().extend(self.add(
                    "alice-2",
                    TestImage::person("alice").variant(2).png(),
                    3,
                    "A-2",
                )?);
                bob.borrow_mut().extend(self.add("bob-1", TestImage::person("bob").png(), 4, "B-7")?);
                ensure!(alice.borrow().len() == 2 && bob.borrow().len() == 1, "one face per portrait");
                Ok(format!("face ids: alice {:?}, bob {:?}", alice.borrow(), bob.borrow()))
            },
        )?;
        n.run("add a group photo of three people in one call (floor 5, badge T-1)", || {
            let faces = self.add("team-1", TestImage::person("dave").faces(3).png(), 5, "T-1")?;
            ensure!(faces.len() == 3, "expected three faces from the group photo, got {}", faces.len());
            Ok(format!("3 faces from one image, all with external_image_id team-1: {faces:?}"))
        })?;
        n.run("list every face, two per page", || {
            let faces: Vec<_> = client.faces(self.staff.clone(), 2)?.collect::<Result<_, _>>()?;
            ensure!(faces.len() == 6, "expected 6 faces, listed {}", faces.len());
            let ids: Vec<_> = faces.iter().filter_map(|f| f.external_image_id.clone()).collect();
            Ok(format!("6 faces over 3 pages: {}", ids.join(", ")))
        })?;

        let visitor =
            Image::from_bytes("visitor.png", TestImage::person("alice").variant(99).png()).map_err(setup)?;
        n.run("search with a new photo of alice, floors 1 to 3 only, highest floor first", || {
            let hits = client.execute(
                &SearchFaces::by_image(self.staff.clone(), visitor.clone())
                    .top_n(3)?
                    .threshold(0.5)?
                    .filter(Filter::parse("floor:[1 TO 3]")?)
                    .sort(Sort::new().desc("floor".parse()?)),
            )?;
            let hits: Vec<_> = hits.into_inner().faces.unwrap_or_default();
            ensure!(!hits.is_empty(), "no hit for alice");
            ensure!(
                hits.iter()
                    .all(|h| h.external_image_id.as_deref().is_some_and(|id| id.starts_with("alice-"))),
                "only alice's photos pass the threshold on floors 1-3"
            );
            let best = hits.iter().filter_map(|h| h.similarity).fold(0.0_f64, f64::max);
            ensure!(best >= 0.93, "the same person scores at least 0.93, got {best:.3}");
            let shown: Vec<_> = hits
                .iter()
                .map(|h| {
                    format!(
                        "{} {:.3}",
                        h.external_image_id.as_deref().unwrap_or("?"),
                        h.similarity.unwrap_or(0.0)
                    )
                })
                .collect();
            Ok(format!("{} hit(s): {}", hits.len(), shown.join(", ")))
        })?;
        n.run("compare the visitor with alice and with bob", || {
            let alice = Image::from_bytes("alice.png", TestImage::person("alice").png())?;
            let bob = Image::from_bytes("bob.png", TestImage::person("bob").png())?;
            let same = client.execute(&CompareFaces::new(visitor.clone(), alice)?)?.similarity.unwrap_or(0.0);
            let other = client.execute(&CompareFaces::new(visitor.clone(), bob)?)?.similarity.unwrap_or(1.0);
            ensure!(same >= 0.93 && other < same, "alice {same:.3} should beat bob {other:.3}");
            Ok(format!("visitor vs alice {same:.3}, visitor vs bob {other:.3}"))
        })?;
        n.run("detect the faces of the group photo, with gender and age", || {
            let group = Image::from_bytes("group.png", TestImage::person("dave").faces(3).png())?;
            let detected =
                client.execute(&DetectFaces::new(group).attributes(&[Attribute::Gender, Attribute::Age]))?;
            let faces = detected.into_inner().faces.unwrap_or_default();
            ensure!(faces.len() == 3, "expected 3 faces, detected {}", faces.len());
            let described: Vec<_> = faces
                .iter()
                .filter_map(|f| f.attributes.as_ref())
                .map(|a| format!("{} {}", a.gender.as_deref().unwrap_or("?"), a.age.unwrap_or(0)))
                .collect();
            Ok(format!("3 faces: {}", described.join(", ")))
        })?;
        n.run("liveness: a still photo (silent) and a video of the actions asked for", || {
            let still = client.execute(&DetectLiveFace::new(visitor.clone()))?;
            let still_alive = still.result.as_ref().and_then(|r| r.alive);
            let clip = Video::from_bytes("clip.mp4", TestVideo::person("alice").actions(&[1, 3]).mp4())?;
            let video = client.execute(&DetectLive::new(clip, &[Action::ShakeLeft, Action::Nod])?)?;
            let video_alive = video.video_result.as_ref().and_then(|r| r.alive);
            ensure!(still_alive == Some(true) && video_alive == Some(true), "both should be live");
            Ok("photo: alive, video (shake left, nod): alive".to_owned())
        })?;
        n.run("update bob's face: move him to floor 3", || {
            let bob_id = bob.borrow().first().cloned().ok_or("bob has no face id")?;
            client.execute(
                &UpdateFace::new(self.staff.clone(), bob_id.parse()?)
                    .external_fields(ExternalFields::new().with("floor", 3)?),
            )?;
            Ok(format!("face {bob_id} now on floor 3"))
        })?;

        n.run("delete by external_image_id: alice-2", || {
            let deleted =
                client.execute(&DeleteFaces::by_external_image_id(self.staff.clone(), "alice-2".parse()?))?;
            ensure!(deleted.face_number == Some(1), "expected 1 face deleted, got {:?}", deleted.face_number);
            Ok("1 face deleted".to_owned())
        })?;
        n.run("delete by face_id: bob's face", || {
            let bob_id = bob.borrow().first().cloned().ok_or("bob has no face id")?;
            let deleted = client.execute(&DeleteFaces::by_face_id(self.staff.clone(), bob_id.parse()?))?;
            ensure!(deleted.face_number == Some(1), "expected 1 face deleted, got {:?}", deleted.face_number);
            Ok(format!("face {bob_id} deleted"))
        })?;
        n.run("delete by a custom field: badge=A-1 (no official SDK can do this)", || {
            let deleted = client.execute(&DeleteFaces::by_field(
                self.staff.clone(),
                "badge".parse()?,
                "A-1".parse()?,
            ))?;
            ensure!(
                deleted.face_number == Some(1),
                "expected alice-1 deleted, got {:?}",
                deleted.face_number
            );
            Ok("1 face deleted (alice-1)".to_owned())
        })?;
        n.run("batch delete by filter: floor:[5 TO *]", || {
            let batch = client
                .execute(&BatchDeleteFaces::new(self.staff.clone(), Filter::parse("floor:[5 TO *]")?))?;
            ensure!(batch.face_number == Some(3), "expected the 3 group faces, got {:?}", batch.face_number);
            Ok("3 faces deleted (the group photo)".to_owned())
        })?;
        n.run("delete alice-1 again: a typed error, as the service documents it", || {
            match client.execute(&DeleteFaces::by_external_image_id(self.staff.clone(), "alice-1".parse()?)) {
                Err(e) if e.code() == Some(&ErrorCode::FieldNotFound) && e.request_id().is_some() => {
                    Ok(format!("error {e}"))
                }
                other => Err(format!("expected FRS.0402, got {other:?}").into()),
            }
        })?;
        n.run("show the face set, then delete it", || {
            let shown = client.execute(&ShowFaceSet::new(self.staff.clone()))?;
            let left = shown.face_set_info.as_ref().and_then(|i| i.face_number);
            ensure!(left == Some(0), "every face should be gone, {left:?} left");
            client.execute(&DeleteFaceSet::new(self.staff.clone()))?;
            let all = client.execute(&ShowAllFaceSets)?;
            ensure!(
                all.face_sets_info.as_ref().is_none_or(Vec::is_empty),
                "the project should have no face set"
            );
            Ok("0 faces left; face set deleted".to_owned())
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_walks_the_whole_api_and_every_step_gets_what_it_expects() {
        let narration = super::run_with(false).unwrap_or_else(|e| panic!("{e}"));
        assert!(narration.contains("all 16 steps got the answers they expected"), "{narration}");
        for step in
            ["by external_image_id", "by face_id", "by a custom field", "batch delete by filter", "FRS.0402"]
        {
            assert!(narration.contains(step), "{step} missing from:\n{narration}");
        }
        assert!(
            !narration.contains(frs_emulator::EmulatorConfig::DEFAULT_SECRET_KEY),
            "the secret key is never shown"
        );
        assert!(!narration.contains('✗'));
    }
}
