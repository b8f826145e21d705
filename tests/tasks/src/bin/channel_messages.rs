//! A channel's messages with the `microsoft_teams` feature alone.

use msgraph::models::BodyType;
use serde_json::json;

#[tokio::main]
async fn main() {
    let (_server, client) = tasks::serve(
        "/teams/fbe2bf47/channels/19:4a95f7d8/messages",
        json!({
            "value": [
                {
                    "id": "1616965872395",
                    "messageType": "message",
                    "createdDateTime": "2021-03-28T21:11:12.395Z",
                    "importance": "normal",
                    "body": { "contentType": "html", "content": "<p>Hello</p>" },
                    "from": { "user": { "id": "8ea0e38b", "displayName": "Robin Kline", "userIdentityType": "aadUser" } },
                    "mentions": [],
                    "reactions": []
                }
            ]
        }),
    )
    .await;
    let messages = client
        .send(
            msgraph::teams()
                .id("fbe2bf47")
                .channels()
                .id("19:4a95f7d8")
                .messages()
                .list(),
        )
        .await
        .expect("the messages");
    let message = &messages.value[0];
    let body = message.body.as_ref().expect("the body is typed");
    assert_eq!(body.content_type, Some(BodyType::Html));
    let sender = message.from.as_ref().and_then(|f| f.user.as_ref());
    assert_eq!(
        sender.and_then(|u| u.display_name.as_deref()),
        Some("Robin Kline")
    );
    assert!(message.created_date_time.is_some());
    assert!(message.additional_properties.is_empty(), "{:?}", message.additional_properties);
    println!("channel messages: typed with `microsoft_teams` alone");
}
