//! The frame codec: what is encoded comes back the same, and no input makes it panic.

use bytes::Bytes;
use proptest::prelude::*;

use super::*;

fn delivery() -> Delivery {
    Delivery {
        seq: 42,
        redelivered: true,
        wants_answer: false,
        received_at: 1_700_000_000_123,
        method: "POST".into(),
        path: "/webhooks/gh".into(),
        query: Some("a=1&a=2".into()),
        headers: vec![
            (Bytes::from_static(b"x-rep"), Bytes::from_static(b"1")),
            (Bytes::from_static(b"x-rep"), Bytes::from_static(b"\x80\xff raw")),
        ],
        remote: Some("203.0.113.9:4711".into()),
        body: Bytes::from_static(b"\x00\x01\xfe\xff{\"a\":1}"),
    }
}

fn every_kind() -> Vec<Frame> {
    vec![
        Frame::Hello(Hello { version: VERSION, mode: Mode::Passthrough, agent: "hooktap 0.1.0".into() }),
        Frame::Welcome(Welcome {
            version: VERSION,
            origin: "0123abcd".into(),
            channel: "dev".into(),
            mode: Mode::Immediate,
            backlog: 7,
        }),
        Frame::Delivery(delivery()),
        Frame::Delivery(Delivery { query: None, remote: None, headers: vec![], body: Bytes::new(), ..delivery() }),
        Frame::Acks(vec![
            Ack { seq: 1, answer: None },
            Ack {
                seq: 2,
                answer: Some(Answer {
                    status: 201,
                    headers: vec![(Bytes::from_static(b"set-cookie"), Bytes::from_static(b"a=1"))],
                    body: Bytes::from_static(b"created"),
                }),
            },
        ]),
        Frame::Acks(vec![]),
        Frame::Closing(Closing { code: CloseCode::TakenOver, message: "newer client".into() }),
        Frame::Closing(Closing { code: CloseCode::Other(900), message: String::new() }),
    ]
}

#[test]
fn every_frame_comes_back_as_it_was_encoded() {
    for frame in every_kind() {
        assert_eq!(Frame::decode(frame.encode()), Ok(frame.clone()), "{frame:?}");
    }
}

#[test]
fn a_truncated_frame_is_an_error_at_every_length() {
    for frame in every_kind() {
        let whole = frame.encode();
        for cut in 0..whole.len() {
            let err = Frame::decode(whole.slice(..cut)).expect_err("a cut frame must not decode");
            assert!(matches!(err, FrameError::Truncated(_)), "cut at {cut} of {frame:?}: {err}");
        }
    }
}

#[test]
fn bytes_after_the_last_field_are_an_error() {
    let mut long = Frame::Delivery(delivery()).encode().to_vec();
    long.push(0);
    assert_eq!(Frame::decode(Bytes::from(long)), Err(FrameError::Trailing(1)));
}

#[test]
fn unknown_kinds_flags_and_bad_text_are_errors() {
    assert_eq!(Frame::decode(Bytes::from_static(&[9])), Err(FrameError::UnknownKind(9)));
    let mut flags = Frame::Delivery(delivery()).encode().to_vec();
    flags[9] = 0x80;
    assert_eq!(Frame::decode(Bytes::from(flags)), Err(FrameError::OutOfRange("flags")));
    let closing = [5, 0, 2, 0, 0, 0, 2, 0xff, 0xfe];
    assert_eq!(Frame::decode(Bytes::copy_from_slice(&closing)), Err(FrameError::NotUtf8("close message")));
}

#[test]
fn huge_counts_are_refused_before_anything_is_allocated() {
    let acks = [4, 0xff, 0xff, 0xff, 0xff];
    assert!(Frame::decode(Bytes::copy_from_slice(&acks)).is_err());
    let mut d = Frame::Delivery(Delivery { headers: vec![], ..delivery() }).encode().to_vec();
    // kind, seq, flags, received_at, method, path, query: then the header count.
    let at = 1 + 8 + 1 + 8 + (4 + "POST".len()) + (4 + "/webhooks/gh".len()) + (1 + 4 + "a=1&a=2".len());
    d[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(Frame::decode(Bytes::from(d)), Err(FrameError::OutOfRange("header count")));
}

#[test]
fn the_hello_version_is_read_whatever_follows_it() {
    let hello = Frame::Hello(Hello { version: 7, mode: Mode::Immediate, agent: "x".into() }).encode();
    assert_eq!(hello_version(&hello), Some(7));
    assert_eq!(hello_version(&[1, 0, 9, 0xff]), Some(9), "a newer hello's other fields do not matter");
    assert_eq!(hello_version(&[1, 0]), None);
    assert_eq!(hello_version(&Frame::Acks(vec![]).encode()), None);
}

#[test]
fn stored_headers_come_back_in_order() {
    let headers = delivery().headers;
    let mut out = bytes::BytesMut::new();
    put_headers(&mut out, &headers);
    assert_eq!(decode_headers(out.freeze()), Ok(headers));
    assert!(decode_headers(Bytes::from_static(&[0, 0, 0, 1, 0])).is_err());
}

fn bytes_of(max: usize) -> impl Strategy<Value = Bytes> {
    proptest::collection::vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

proptest! {
    #[test]
    fn any_delivery_round_trips(
        seq in any::<u64>(),
        redelivered in any::<bool>(),
        wants_answer in any::<bool>(),
        received_at in any::<i64>(),
        method in "[A-Z]{1,8}",
        path in "/[ -~]{0,40}",
        query in proptest::option::of("[ -~]{0,40}"),
        headers in proptest::collection::vec((bytes_of(20), bytes_of(60)), 0..8),
        remote in proptest::option::of("[0-9.:]{0,21}"),
        body in bytes_of(2048),
    ) {
        let frame = Frame::Delivery(Delivery {
            seq, redelivered, wants_answer, received_at, method, path, query, headers, remote, body,
        });
        prop_assert_eq!(Frame::decode(frame.encode()), Ok(frame));
    }

    #[test]
    fn garbage_never_panics(message in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Frame::decode(Bytes::from(message.clone()));
        let _ = hello_version(&message);
        let _ = decode_headers(Bytes::from(message));
    }

    #[test]
    fn garbage_after_a_valid_kind_never_panics(kind in 1u8..=5, rest in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut message = vec![kind];
        message.extend(rest);
        let _ = Frame::decode(Bytes::from(message));
    }
}
