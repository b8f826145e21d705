//! Reading a page of 999 users and a page of 100 messages, made from the pages' examples, into
//! the generated types, into `serde_json::Value`, and into the same structs derived with serde
//! without the catch-all for unknown properties (`twins.rs`). Run by `bench/deserialize.sh`.

use divan::black_box;
use msgraph_v1::models::Message;
use msgraph_v1::runtime::Collection;
use msgraph_v1::models::User;
use serde::Deserialize;

mod twins;

#[derive(Deserialize)]
struct PlainPage<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
}

fn main() {
    divan::main();
}

fn users() -> &'static str {
    include_str!("users.json")
}

fn messages() -> &'static str {
    include_str!("messages.json")
}

mod users_999 {
    use super::*;

    #[divan::bench]
    fn generated() -> usize {
        let page: Collection<User> = serde_json::from_str(black_box(users())).unwrap();
        page.value.len()
    }

    #[divan::bench]
    fn value() -> usize {
        let page: serde_json::Value = serde_json::from_str(black_box(users())).unwrap();
        page["value"].as_array().map_or(0, Vec::len)
    }

    #[divan::bench]
    fn plain_derive() -> usize {
        let page: PlainPage<twins::PlainUser> = serde_json::from_str(black_box(users())).unwrap();
        page.next_link.map_or(0, |l| l.len()) + page.value.len()
    }
}

mod messages_100 {
    use super::*;

    #[divan::bench]
    fn generated() -> usize {
        let page: Collection<Message> = serde_json::from_str(black_box(messages())).unwrap();
        page.value.len()
    }

    #[divan::bench]
    fn value() -> usize {
        let page: serde_json::Value = serde_json::from_str(black_box(messages())).unwrap();
        page["value"].as_array().map_or(0, Vec::len)
    }

    #[divan::bench]
    fn plain_derive() -> usize {
        let page: PlainPage<twins::PlainMessage> = serde_json::from_str(black_box(messages())).unwrap();
        page.value.len()
    }
}
