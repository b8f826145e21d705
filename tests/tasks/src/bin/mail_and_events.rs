//! Mail and events with the `outlook` feature alone: bodies, recipients, importance, start and
//! end times, all typed, nothing documented left in `additional_properties`; a message sent as
//! JSON and as MIME.

use msgraph::models::{
    BodyType, EmailAddress, Importance, ItemBody, Message, Recipient, UserSendMailBody,
};
use msgraph::runtime::Content;
use serde_json::json;
use wiremock::matchers::{body_bytes, body_json};

#[tokio::main]
async fn main() {
    let (_server, client) = tasks::serve(
        "/me/messages/AAMkAGI1",
        json!({
            "id": "AAMkAGI1",
            "subject": "Quarterly numbers",
            "importance": "high",
            "isRead": false,
            "receivedDateTime": "2021-03-01T09:30:00Z",
            "body": { "contentType": "html", "content": "<p>See attached.</p>" },
            "from": { "emailAddress": { "name": "Adele Vance", "address": "adele@contoso.com" } },
            "toRecipients": [
                { "emailAddress": { "name": "Megan Bowen", "address": "megan@contoso.com" } }
            ]
        }),
    )
    .await;
    let message = client
        .send(msgraph::me().messages().id("AAMkAGI1").get())
        .await
        .expect("the message");
    let body = message.body.as_ref().expect("the body is typed");
    assert_eq!(body.content_type, Some(BodyType::Html));
    assert_eq!(body.content.as_deref(), Some("<p>See attached.</p>"));
    assert_eq!(message.importance, Some(Importance::High));
    let from = message.from.as_ref().and_then(|f| f.email_address.as_ref());
    assert_eq!(
        from.and_then(|a| a.address.as_deref()),
        Some("adele@contoso.com")
    );
    let to = message.to_recipients.as_deref().unwrap_or_default();
    assert_eq!(to.len(), 1);
    assert!(message.received_date_time.is_some());
    assert!(message.additional_properties.is_empty(), "{:?}", message.additional_properties);
    assert!(body.additional_properties.is_empty());

    let (_server, client) = tasks::serve(
        "/me/events/AAMkAGE2",
        json!({
            "id": "AAMkAGE2",
            "subject": "Planning",
            "importance": "normal",
            "body": { "contentType": "text", "content": "Agenda to follow" },
            "start": { "dateTime": "2021-03-02T10:00:00.0000000", "timeZone": "Pacific Standard Time" },
            "end": { "dateTime": "2021-03-02T11:00:00.0000000", "timeZone": "Pacific Standard Time" },
            "location": { "displayName": "Room 1" },
            "attendees": [
                {
                    "type": "required",
                    "status": { "response": "accepted", "time": "2021-03-01T12:00:00Z" },
                    "emailAddress": { "name": "Megan Bowen", "address": "megan@contoso.com" }
                }
            ],
            "organizer": { "emailAddress": { "name": "Adele Vance", "address": "adele@contoso.com" } }
        }),
    )
    .await;
    let event = client
        .send(msgraph::me().events().id("AAMkAGE2").get())
        .await
        .expect("the event");
    let start = event.start.as_ref().expect("the start is typed");
    assert_eq!(start.date_time.as_deref(), Some("2021-03-02T10:00:00.0000000"));
    assert_eq!(start.time_zone.as_deref(), Some("Pacific Standard Time"));
    assert!(event.end.is_some());
    assert_eq!(
        event.body.as_ref().and_then(|b| b.content_type.clone()),
        Some(BodyType::Text)
    );
    assert_eq!(event.attendees.as_deref().unwrap_or_default().len(), 1);
    assert!(event.additional_properties.is_empty(), "{:?}", event.additional_properties);

    // Sending: the typed body as JSON, then the same mail as MIME (base64 text).
    let message = Message {
        subject: Some("Lunch".to_owned()),
        body: Some(ItemBody {
            content_type: Some(BodyType::Text),
            content: Some("Noon?".to_owned()),
            ..Default::default()
        }),
        to_recipients: Some(vec![Recipient {
            email_address: Some(EmailAddress {
                address: Some("megan@contoso.com".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let mail = UserSendMailBody {
        message: Some(Box::new(message)),
        save_to_sent_items: Some(false),
        ..Default::default()
    };
    let json = json!({
        "message": {
            "subject": "Lunch",
            "body": { "contentType": "text", "content": "Noon?" },
            "toRecipients": [{ "emailAddress": { "address": "megan@contoso.com" } }]
        },
        "saveToSentItems": false
    });
    let (_server, client) =
        tasks::accept("/me/sendMail", "application/json", body_json(json)).await;
    client
        .send(msgraph::me().send_mail(mail))
        .await
        .expect("sent as JSON");
    let mime = b"RnJvbTogQWRlbGUKVG86IE1lZ2FuClN1YmplY3Q6IEx1bmNoCgpOb29uPw==".to_vec();
    let (_server, client) =
        tasks::accept("/me/sendMail", "text/plain", body_bytes(mime.clone())).await;
    client
        .send(msgraph::me().send_mail_mime(Content::new("text/plain", mime)))
        .await
        .expect("sent as MIME");
    println!("mail and events: typed with `outlook` alone, sent as JSON and as MIME");
}
