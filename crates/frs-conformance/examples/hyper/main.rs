//! The sans-IO core in a runtime of our own built on hyper: `transport.rs` driving the
//! core's async client against an in-process emulator — the seed's delete, each of its
//! three ways, then a listing.
//!
//! `cargo run -p frs-conformance --example hyper`; the same transport passes the
//! conformance suite in `tests/hyper.rs`.

pub(crate) mod transport;

use std::time::SystemTime;

use frs_emulator::{Emulator, EmulatorConfig, SeededFace};
use frs_request::faces::DeleteFaces;
use frs_request::{AsyncClient, Config, Credentials, Endpoint, TransportLimits};
use frs_types::FaceSetName;
use frs_types::models::face_sets::FieldType;
use futures_util::StreamExt as _;

pub(crate) fn main() -> Result<(), Box<dyn std::error::Error>> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig::default())?;
    emulator.seed_face_set("staff", &[("id", FieldType::String)]);
    let face_id = emulator.seed_face("staff", SeededFace::new("alice-1")).ok_or("seeding failed")?;
    emulator.seed_face("staff", SeededFace::new("bob-1").field("id", "home")).ok_or("seeding failed")?;
    for name in ["carol-1", "dave-1"] {
        emulator.seed_face("staff", SeededFace::new(name)).ok_or("seeding failed")?;
    }

    let config = Config::new(
        Endpoint::parse(&emulator.endpoint())?,
        EmulatorConfig::DEFAULT_PROJECT_ID.parse()?,
        Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
    );
    let transport = transport::HyperTransport::new(TransportLimits::default());
    let runtime = (SystemTime::now, tokio::time::sleep);
    let client = AsyncClient::with_runtime(config, transport, runtime);

    let staff: FaceSetName = "staff".parse()?;
    for op in [
        DeleteFaces::by_face_id(staff.clone(), face_id.parse()?),
        DeleteFaces::by_field(staff.clone(), "id".parse()?, "home".parse()?),
        DeleteFaces::by_external_image_id(staff.clone(), "carol-1".parse()?),
    ] {
        let reply = client.execute(&op).await?;
        println!("{:?}: deleted {} face(s)", op.selector(), reply.face_number.unwrap_or(0));
        if reply.face_number != Some(1) {
            return Err(format!("expected one face deleted, got {:?}", reply.face_number).into());
        }
    }
    let left: Vec<_> = client.faces(staff, 10)?.collect().await;
    let names: Vec<_> = left.into_iter().map(|f| f.map(|f| f.external_image_id)).collect::<Result<_, _>>()?;
    println!("faces left in staff: {names:?}");
    if names != [Some("dave-1".to_owned())] {
        return Err("only dave-1 should be left".into());
    }
    Ok(())
}
