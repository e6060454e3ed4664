//! The sans-IO core in a runtime of our own: a blocking transport over `std::net`
//! (`transport.rs`, the whole of it) driving the core's client against an in-process
//! emulator — the seed's delete, each of its three ways.
//!
//! `cargo run -p frs-conformance --example std_net`; the same transport passes the
//! conformance suite in `tests/std_net.rs`.

pub(crate) mod transport;

use std::time::SystemTime;

use frs_emulator::{Emulator, EmulatorConfig, SeededFace};
use frs_request::faces::DeleteFaces;
use frs_request::{BlockingClient, Config, Credentials, Endpoint, TransportLimits};
use frs_types::models::face_sets::FieldType;

pub(crate) fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig::default())?;
    emulator.seed_face_set("staff", &[("id", FieldType::String)]);
    let face_id = emulator.seed_face("staff", SeededFace::new("alice-1")).ok_or("seeding failed")?;
    emulator.seed_face("staff", SeededFace::new("bob-1").field("id", "home")).ok_or("seeding failed")?;
    emulator.seed_face("staff", SeededFace::new("carol-1")).ok_or("seeding failed")?;

    let config = Config::new(
        Endpoint::parse(&emulator.endpoint())?,
        EmulatorConfig::DEFAULT_PROJECT_ID.parse()?,
        Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
    );
    let transport = transport::StdNetTransport::new(TransportLimits::default());
    let client = BlockingClient::with_runtime(config, transport, (SystemTime::now, std::thread::sleep));

    let staff: frs_types::FaceSetName = "staff".parse()?;
    for op in [
        DeleteFaces::by_face_id(staff.clone(), face_id.parse()?),
        DeleteFaces::by_field(staff.clone(), "id".parse()?, "home".parse()?),
        DeleteFaces::by_external_image_id(staff, "carol-1".parse()?),
    ] {
        let reply = client.execute(&op)?;
        println!("{:?}: deleted {} face(s)", op.selector(), reply.face_number.unwrap_or(0));
        if reply.face_number != Some(1) {
            return Err(format!("expected one face deleted, got {:?}", reply.face_number).into());
        }
    }
    let left = emulator.face_count("staff");
    println!("faces left in staff: {left:?}");
    if left != Some(0) {
        return Err("the face set should be empty".into());
    }
    Ok(())
}
