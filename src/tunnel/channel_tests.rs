//! A channel's bookkeeping without a socket: limits, order, takeover, acknowledgements.

use std::sync::Arc;

use bytes::Bytes;

use super::*;
use crate::tunnel::buffer;

fn defaults() -> Defaults {
    Defaults { max_body: 1024, max_backlog: 3, max_backlog_bytes: 1 << 20, rate: 0, mode: None }
}

fn channel(overrides: buffer::Overrides) -> Arc<Channel> {
    let stored = buffer::Channel {
        name: "dev".into(),
        token_hash: Some([7; 32]),
        created_at: 0,
        last_used_at: None,
        overrides,
        client_mode: None,
        backlog: 0,
    };
    Arc::new(Channel::new(stored, &defaults()))
}

fn delivery(body: &'static [u8]) -> Arc<Delivery> {
    Arc::new(Delivery {
        seq: 0,
        redelivered: false,
        wants_answer: false,
        received_at: 0,
        method: "POST".into(),
        path: "/".into(),
        query: None,
        headers: vec![],
        remote: None,
        body: Bytes::from_static(body),
    })
}

fn seqs(out: &[Outgoing]) -> Vec<(u64, bool)> {
    out.iter()
        .map(|o| match o {
            Outgoing::Ready(d) => (d.seq, d.redelivered),
            Outgoing::Load(seq, again) => (*seq, *again),
        })
        .collect()
}

#[test]
fn the_backlog_limit_counts_deliveries_being_committed_and_gives_room_back() {
    let c = channel(buffer::Overrides::default());
    let a = c.admit(1).unwrap().unwrap();
    let _b = c.admit(1).unwrap().unwrap();
    let _c = c.admit(1).unwrap().unwrap();
    assert_eq!(c.admit(1).unwrap_err(), Refusal::Backlog { held: 3, limit: 3 });
    drop(a);
    assert!(c.admit(1).is_ok(), "a commit that failed gives its room back");
}

#[test]
fn a_new_connection_gets_everything_unacknowledged_in_order_marked_as_sent_before() {
    let c = channel(buffer::Overrides::default());
    for (seq, body) in [(2, b"b"), (1, b"a")] {
        let r = c.admit(1).unwrap().unwrap();
        c.hold(r, seq, delivery(body));
    }
    let first = c.attach([7; 32], Mode::Immediate, "one", &defaults());
    assert_eq!(first.backlog, 2);
    assert_eq!(seqs(&c.take(first.id, 10)), [(1, false), (2, false)], "in order, whatever the commit order");
    c.ack(vec![Ack { seq: 1, answer: None }]);
    let mut second = c.attach([7; 32], Mode::Immediate, "two", &defaults());
    assert!(c.take(first.id, 10).is_empty(), "the replaced connection gets nothing more");
    assert_eq!(seqs(&c.take(second.id, 10)), [(2, true)], "only the unacknowledged one, flagged");
    assert!(second.kicked.try_recv().is_err(), "the newest is not kicked");
    assert_eq!(c.backlog(), 1);
}

#[test]
fn the_replaced_connection_is_told_why() {
    let c = channel(buffer::Overrides::default());
    let mut first = c.attach([7; 32], Mode::Immediate, "one", &defaults());
    let _second = c.attach([7; 32], Mode::Immediate, "10.0.0.2:5", &defaults());
    let closing = first.kicked.try_recv().unwrap();
    assert_eq!(closing.code, CloseCode::TakenOver);
    assert!(closing.message.contains("10.0.0.2:5"), "{}", closing.message);
}

#[test]
fn passthrough_needs_a_client_and_hands_its_answer_to_the_waiting_provider() {
    let c = channel(buffer::Overrides { mode: Some(Mode::Passthrough), ..Default::default() });
    assert_eq!(c.admit(1).unwrap_err(), Refusal::NoClient);
    let s = c.attach([7; 32], Mode::Immediate, "one", &defaults());
    assert_eq!(s.mode, Mode::Passthrough, "the channel's own setting wins over the client's");
    assert!(c.admit(1).unwrap().is_none(), "nothing is reserved: nothing is held");
    let (seq, mut answer) = c.pass(Delivery::clone(&delivery(b"x"))).unwrap();
    let sent = c.take(s.id, 10);
    assert!(matches!(&sent[..], [Outgoing::Ready(d)] if d.wants_answer && d.seq == seq));
    let reply = Answer { status: 201, headers: vec![], body: Bytes::from_static(b"made") };
    assert!(c.ack(vec![Ack { seq, answer: Some(reply.clone()) }]).is_empty(), "nothing to forget");
    assert_eq!(answer.try_recv().unwrap(), reply);
    c.detach(s.id);
    assert!(!c.connected());
}

#[test]
fn the_rate_limit_refuses_past_its_burst() {
    let c = channel(buffer::Overrides { rate: Some(2), ..Default::default() });
    let results: Vec<bool> = (0..3).map(|_| c.admit(1).is_ok()).collect();
    assert_eq!(results, [true, true, false]);
}
