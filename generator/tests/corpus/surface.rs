//! The generated v1.0 crate used as its users will, by its public paths: copied into the corpus
//! crate's `src/` as a unit-test module by `generator/tests/corpus.rs` (so that the 15 MB
//! library is compiled once, for its tests), and run with every feature on.
#![cfg(feature = "full")]

use crate as msgraph;
use msgraph::models::{DirectoryObject, Group, User};
use serde_json::json;

#[test]
fn documented_paths_are_walked_from_the_crate_root() {
    let request = msgraph::me().messages().list().top(5);
    assert_eq!(request.path_and_query(), "/me/messages?$top=5");
    let request = msgraph::users().id("u1").messages().id("m1").get();
    assert_eq!(request.path(), "/users/u1/messages/m1");
    let request = msgraph::groups().id("g1").members().list();
    assert_eq!(request.path(), "/groups/g1/members");

    // Actions are called by their own name, functions with their parameters typed.
    let request = msgraph::users().id("u1").assign_license(Default::default());
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.path(), "/users/u1/assignLicense");
    // Ids are percent-encoded; a walk reuses one buffer, and a node can be cloned to branch.
    let user = msgraph::users().id("a b@contoso.com");
    assert_eq!(user.path(), "/users/a%20b@contoso.com");
    assert_eq!(user.clone().manager().get().path(), "/users/a%20b@contoso.com/manager");
    assert_eq!(user.delete().method(), http::Method::DELETE);

    // Each value is encoded by where it stands: a key keeps its one quote, a drive item path
    // keeps its slashes and encodes each segment.
    assert_eq!(msgraph::users().id("o'neil@contoso.com").path(), "/users/o%27neil@contoso.com");
    let content = msgraph::me().drive().root_path().item_path("/docs/my report:v2.txt").content();
    assert_eq!(content.path(), "/me/drive/root:/docs/my%20report%3Av2.txt:/content");
}

/// What a page documents beside JSON is a method of its own: `sendMail` with a MIME message,
/// a hosted content's bytes at the `$value` its example reads, a branding image by its
/// property name. A `202 Accepted` shown without a body is read as no body, its `Location`
/// kept.
#[test]
fn media_forms_are_methods_of_their_own() {
    use msgraph::runtime::{Content, NoContent};
    use msgraph::models::UserSendMailBody;

    let json: msgraph::runtime::Request<NoContent, UserSendMailBody> = msgraph::me().send_mail(Default::default());
    assert_eq!(json.path(), "/me/sendMail");
    let mime = msgraph::me().send_mail_mime(Content::new("text/plain", b"RnJvbTog".to_vec()));
    let sent = mime.to_http().expect("encoded");
    assert_eq!(sent.method(), http::Method::POST);
    assert_eq!(sent.headers()["content-type"], "text/plain");
    assert_eq!(sent.body().as_slice(), b"RnJvbTog");
    let reply = msgraph::me().messages().id("m1").reply_mime(Content::new("text/plain", b"UmU6".to_vec()));
    assert_eq!(reply.path(), "/me/messages/m1/reply");

    let bytes: msgraph::runtime::Request<Content, _> =
        msgraph::chats().id("c1").messages().id("m1").hosted_contents().id("h1").content().get();
    assert_eq!(bytes.path(), "/chats/c1/messages/m1/hostedContents/h1/$value");
    let logo = msgraph::organization()
        .id("t1")
        .branding()
        .id("bannerLogo")
        .update(Content::new("image/jpeg", vec![0xff, 0xd8]));
    assert_eq!(logo.to_http().expect("encoded").headers()["content-type"], "image/jpeg");

    // A large file's session takes the body its page's Parameters table documents, also by
    // the item's path, which an example shows beside the documented paths.
    let properties = msgraph::models::DriveItemUploadableProperties { file_size: Some(10), ..Default::default() };
    let body = msgraph::models::DriveItemCreateUploadSessionBody { item: Some(properties), ..Default::default() };
    let session = msgraph::me().drive().root_path().item_path("docs/big.bin").create_upload_session(body);
    assert_eq!(session.path(), "/me/drive/root:/docs/big.bin:/createUploadSession");
    // Its page says `202 Accepted` of uploading the bytes, after the session's own `200 OK`.
    let by_id = msgraph::me().drive().items().id("i1").create_upload_session(Default::default());
    assert_eq!(by_id.success_status(), http::StatusCode::OK);
    assert_eq!(session.to_http().expect("encoded").body().as_slice(), br#"{"item":{"fileSize":10}}"#);

    let copy = msgraph::me().drive().items().id("i1").copy(Default::default());
    let accepted = http::Response::builder()
        .status(202)
        .header("location", "https://contoso.sharepoint.com/monitor/1")
        .body(Vec::new())
        .expect("a response");
    let answer = copy.parse_response_full(&accepted).expect("a 202 without a body");
    assert_eq!(answer.location(), Some("https://contoso.sharepoint.com/monitor/1"));
}

/// `GET /groups/{id}/members` answers with users, groups and devices as `directoryObject`:
/// each casts to the type its `@odata.type` names, and only to that.
#[test]
fn members_cast_to_their_derived_types_losslessly() {
    let adele = json!({
        "@odata.type": "#microsoft.graph.user",
        "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
        "displayName": "Adele Vance",
        "mail": "AdeleV@contoso.com",
        "businessPhones": ["+1 425 555 0109"],
        "accountEnabled": true,
        "somethingNew": {"kept": [1, 2]}
    });
    let sales = json!({
        "@odata.type": "#microsoft.graph.group",
        "id": "45b7d2e7-b882-4a80-ba97-10b7a63b8fa4",
        "displayName": "Sales and Marketing",
        "mailEnabled": true,
        "groupTypes": ["Unified"]
    });
    let body = json!({"value": [adele.clone(), sales.clone()]});
    let response = http::Response::builder()
        .status(200)
        .body(serde_json::to_vec(&body).expect("JSON"))
        .expect("a response");
    let page = msgraph::groups()
        .id("g1")
        .members()
        .list()
        .parse_response(&response)
        .expect("a page of directory objects");
    let members: &[DirectoryObject] = &page.value;

    let user: User = members[0].cast().expect("reads as a user").expect("the first member is a user");
    assert_eq!(user.display_name.as_deref(), Some("Adele Vance"));
    assert_eq!(user.account_enabled, Some(true));
    assert_eq!(user.business_phones.as_deref(), Some(&["+1 425 555 0109".to_owned()][..]));
    assert_eq!(user.additional_properties["somethingNew"], json!({"kept": [1, 2]}));
    assert!(matches!(members[0].cast::<Group>(), Ok(None)), "a user is no group");

    let group: Group = members[1].cast().expect("reads as a group").expect("the second member is a group");
    assert_eq!(group.mail_enabled, Some(true));
    assert_eq!(group.group_types.as_deref(), Some(&["Unified".to_owned()][..]));
    assert!(matches!(members[1].cast::<User>(), Ok(None)), "a group is no user");

    // Nothing is lost on the way: each writes back as the JSON it was read from.
    assert_eq!(serde_json::to_value(&user).expect("serializes"), adele);
    assert_eq!(serde_json::to_value(&group).expect("serializes"), sales);
}

/// The programs a newcomer writes first, against a local server: my messages page by page,
/// a group's members as users, and a batch of three.
#[cfg(feature = "client")]
mod with_the_client {
    use super::*;
    use futures_util::TryStreamExt;
    use msgraph::client::{Client, StaticToken};
    use msgraph::models::Message;
    use msgraph::runtime::Batch;
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn client(server: &MockServer) -> Client {
        Client::builder(StaticToken("token".to_owned()))
            .base_url(format!("{}/v1.0", server.uri()))
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("a client")
    }

    #[tokio::test]
    async fn my_messages_page_by_page() {
        let server = MockServer::start().await;
        let next = format!("{}/v1.0/me/messages?$top=2&$skiptoken=2", server.uri());
        Mock::given(method("GET"))
            .and(path("/v1.0/me/messages"))
            .and(query_param("$skiptoken", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": "m3", "subject": "Three"}]})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1.0/me/messages"))
            .and(query_param("$top", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "value": [{"id": "m1", "subject": "One"}, {"id": "m2", "subject": "Two"}],
                "@odata.nextLink": next,
            })))
            .expect(1)
            .mount(&server)
            .await;
        let request = msgraph::me().messages().list().top(2).select(&["subject"]);
        let messages: Vec<Message> = client(&server).items(request).try_collect().await.expect("three messages");
        let subjects: Vec<_> = messages.iter().filter_map(|m| m.subject.as_deref()).collect();
        assert_eq!(subjects, ["One", "Two", "Three"]);
    }

    #[tokio::test]
    async fn a_groups_members_as_users() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1.0/groups/g1/members"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
                {"@odata.type": "#microsoft.graph.user", "id": "u1", "displayName": "Adele Vance", "mail": "AdeleV@contoso.com"},
                {"@odata.type": "#microsoft.graph.group", "id": "g2", "displayName": "Sales"},
            ]})))
            .expect(1)
            .mount(&server)
            .await;
        let members: Vec<DirectoryObject> =
            client(&server).items(msgraph::groups().id("g1").members().list()).try_collect().await.expect("members");
        let users: Vec<User> =
            members.iter().filter_map(|m| m.cast::<User>().transpose()).collect::<Result<_, _>>().expect("users read");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].mail.as_deref(), Some("AdeleV@contoso.com"));
    }

    #[tokio::test]
    async fn a_batch_of_three() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1.0/$batch"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"responses": [
                {"id": "3", "status": 404, "body": {"error": {"code": "Request_ResourceNotFound", "message": "No such group"}}},
                {"id": "1", "status": 200, "body": {"id": "u1", "displayName": "Adele Vance"}},
                {"id": "2", "status": 200, "body": {"value": [{"id": "m1", "subject": "Hello"}]}},
            ]})))
            .expect(1)
            .mount(&server)
            .await;
        let mut batch = Batch::new();
        let me = batch.add(msgraph::me().get()).expect("added");
        let messages = batch.add(msgraph::me().messages().list().top(1)).expect("added");
        let group = batch.add(msgraph::groups().id("nope").get()).expect("added");
        let results = client(&server).send_batch(&batch).await.expect("sent");
        let me: User = results.get(&me).expect("me");
        assert_eq!(me.display_name.as_deref(), Some("Adele Vance"));
        assert_eq!(results.get(&messages).expect("messages").value[0].subject.as_deref(), Some("Hello"));
        let error = results.get(&group).expect_err("no such group");
        assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));
    }
}
