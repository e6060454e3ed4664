//! The one listing machine: every face of a face set, page by page, within the service's
//! 10 000-face bound. Both clients' iterators and streams are drivers of it, so they page,
//! stop and fail the same way.

use std::collections::VecDeque;
use std::convert::Infallible;

use frs_types::models::faces::{FaceSetFace, FacesResponse};
use frs_types::{FaceSetName, ValidationError};

use crate::error::{CallError, Error};
use crate::faces::{MAX_LISTING_DEPTH, ShowFaces};
use crate::operation::Reply;

/// What a face listing needs next.
#[derive(Debug)]
pub enum ListingStep<E = Infallible> {
    /// The next face.
    Face(Box<FaceSetFace>),
    /// Run this operation and hand its outcome to [`FaceListing::receive`].
    Fetch(ShowFaces),
    /// The listing failed: the error of a page, or [`CallError::ListingDepth`] when it
    /// stopped at the service's 10 000-face bound with a full last page (the set may hold
    /// more faces than any listing can show). Reported once, then [`ListingStep::Done`].
    Failed(Error<E>),
    /// The listing is over.
    Done,
}

#[derive(Debug)]
enum State<E> {
    Paging,
    Failed(Error<E>),
    Done,
}

/// A face-by-face walk over a face set, `page_size` faces per request.
///
/// A driver asks for the next step, runs the operation it is given, and hands the page
/// back; faces come out one at a time:
///
/// ```
/// use std::convert::Infallible;
/// use frs_request::faces::{FaceListing, ListingStep};
/// use frs_request::{Error, Reply};
/// use frs_types::models::faces::FacesResponse;
///
/// let mut listing = FaceListing::<Infallible>::new("staff".parse()?, 100)?;
/// let ListingStep::Fetch(first) = listing.next_step() else { panic!() }; // offset 0, limit 100
/// # let _ = first;
/// let page: FacesResponse = serde_json::from_str(r#"{"faces": [{"face_id": "a1b2c3d4"}]}"#)?;
/// listing.receive(Ok(Reply { value: page, status: http::StatusCode::OK, request_id: None, outcome: Default::default() }));
/// assert!(matches!(listing.next_step(), ListingStep::Face(_)));
/// assert!(matches!(listing.next_step(), ListingStep::Done)); // a short page: the end
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FaceListing<E = Infallible> {
    face_set: FaceSetName,
    page_size: u32,
    next_offset: u32,
    buffer: VecDeque<FaceSetFace>,
    state: State<E>,
}

impl<E> FaceListing<E> {
    /// Lists `face_set` in pages of `page_size` faces.
    ///
    /// # Errors
    /// A [`ValidationError`] for `page_size` outside 1–10 000.
    pub fn new(face_set: FaceSetName, page_size: u32) -> Result<Self, ValidationError> {
        ShowFaces::page(face_set.clone(), 0, page_size)?;
        Ok(Self { face_set, page_size, next_offset: 0, buffer: VecDeque::new(), state: State::Paging })
    }

    /// How many faces the pages received so far held.
    pub fn faces_received(&self) -> u32 {
        self.next_offset
    }

    /// The next step.
    pub fn next_step(&mut self) -> ListingStep<E> {
        if let Some(face) = self.buffer.pop_front() {
            return ListingStep::Face(Box::new(face));
        }
        match std::mem::replace(&mut self.state, State::Done) {
            State::Paging => {
                self.state = State::Paging;
                ListingStep::Fetch(self.page())
            }
            State::Failed(error) => ListingStep::Failed(error),
            State::Done => ListingStep::Done,
        }
    }

    /// The page to fetch next; within the bound, since paging stops when the offset reaches it.
    fn page(&self) -> ShowFaces {
        let limit = self.page_size.min(MAX_LISTING_DEPTH - self.next_offset);
        ShowFaces::page_within_bound(self.face_set.clone(), self.next_offset, limit)
    }

    /// Hands over the outcome of the last [`ListingStep::Fetch`]; after an error the listing
    /// reports it and ends.
    pub fn receive(&mut self, page: Result<Reply<FacesResponse>, Error<E>>) {
        if !matches!(self.state, State::Paging) {
            return;
        }
        let faces = match page {
            Ok(reply) => reply.value.faces.unwrap_or_default(),
            Err(error) => {
                self.state = State::Failed(error);
                return;
            }
        };
        let limit = self.page_size.min(MAX_LISTING_DEPTH - self.next_offset);
        let got = u32::try_from(faces.len()).unwrap_or(u32::MAX).min(limit);
        self.next_offset += got;
        self.buffer.extend(faces);
        if got < limit {
            self.state = State::Done;
        } else if self.next_offset >= MAX_LISTING_DEPTH {
            self.state = State::Failed(Error::Call(CallError::ListingDepth { max: MAX_LISTING_DEPTH }));
        }
    }
}
