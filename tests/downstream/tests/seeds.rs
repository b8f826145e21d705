//! The two seed pages, through the generated crate: their example requests are what the
//! endpoint functions build, and their example bodies round-trip through the generated types.

use msgraph::models;
use serde_json::{json, Value};

/// The request body of the "Add shared" seed's example.
fn shared_insight_example() -> Value {
    json!({
      "@odata.type": "#microsoft.graph.sharedInsight",
      "lastShared": {
        "@odata.type": "microsoft.graph.sharingDetail",
        "sharedBy": {
          "@odata.type": "microsoft.graph.insightIdentity",
          "displayName": "Display Name value",
          "id": "Id value",
          "address": "Address value"
        },
        "sharedDateTime": "2016-12-31T23:59:25.6718097+03:00",
        "sharingSubject": "Sharing Subject value",
        "sharingType": "Sharing Type value",
        "sharingReference": {
          "@odata.type": "microsoft.graph.resourceReference",
          "webUrl": "https://example.com/webUrl/",
          "type": "Type value"
        }
      },
      "sharingHistory": [
        {
          "@odata.type": "microsoft.graph.sharingDetail"
        }
      ],
      "resourceVisualization": {
        "@odata.type": "microsoft.graph.resourceVisualization",
        "title": "Title value",
        "mediaType": "Media Type value",
        "previewImageUrl": "https://example.com/previewImageUrl/",
        "previewText": "Preview Text value",
        "containerWebUrl": "https://example.com/containerWebUrl/",
        "containerDisplayName": "Container Display Name value",
        "containerType": "Container Type value"
      },
      "resourceReference": {
        "@odata.type": "microsoft.graph.resourceReference"
      }
    })
}

/// The request body of the "Create used" seed's example.
fn used_insight_example() -> Value {
    json!({
      "@odata.type": "#microsoft.graph.usedInsight",
      "lastUsed": {
        "@odata.type": "microsoft.graph.usageDetails",
        "lastAccessedDateTime": "2016-12-31T23:58:24.6598438+00:00",
        "lastModifiedDateTime": "2017-01-01T00:01:26.0388723+00:00"
      },
      "resourceVisualization": {
        "@odata.type": "microsoft.graph.resourceVisualization",
        "title": "Title value",
        "type": "Type value",
        "mediaType": "Media Type value",
        "previewImageUrl": "https://example.com/previewImageUrl/",
        "previewText": "Preview Text value",
        "containerWebUrl": "https://example.com/containerWebUrl/",
        "containerDisplayName": "Container Display Name value",
        "containerType": "Container Type value"
      },
      "resourceReference": {
        "@odata.type": "microsoft.graph.resourceReference",
        "webUrl": "https://example.com/webUrl/",
        "id": "Id value"
      }
    })
}

fn sent_body(request: http::Request<Vec<u8>>) -> Value {
    serde_json::from_slice(request.body()).expect("the body is JSON")
}

#[test]
fn add_shared_builds_the_seed_example_request() {
    let body: models::SharedInsight =
        serde_json::from_value(shared_insight_example()).expect("typed body");
    let last_shared = body.last_shared.as_ref().expect("lastShared is typed");
    let shared_by: &models::InsightIdentity =
        last_shared.shared_by.as_ref().expect("sharedBy is typed");
    assert_eq!(
        shared_by.display_name.as_deref(),
        Some("Display Name value")
    );
    assert_eq!(body.sharing_history.as_ref().map(Vec::len), Some(1));

    // The page's example posts to /me/insights/shared; its HTTP request section says
    // /me/insights/shared/$ref. Both are generated (and the disagreement is reported).
    let request = msgraph::me().insights().shared().create(body);
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.path(), "/me/insights/shared");
    assert_eq!(request.success_status(), http::StatusCode::CREATED);
    let http_request = request.into_http().expect("a valid request");
    assert_eq!(
        http_request.uri(),
        "https://graph.microsoft.com/v1.0/me/insights/shared"
    );
    assert_eq!(sent_body(http_request), shared_insight_example());

    let documented = msgraph::me()
        .insights()
        .shared()
        .reference()
        .create(models::SharedInsight::default());
    assert_eq!(documented.path(), "/me/insights/shared/$ref");
}

#[test]
fn create_used_builds_the_seed_example_request() {
    let body: models::UsedInsight =
        serde_json::from_value(used_insight_example()).expect("typed body");
    let usage: &models::UsageDetails = body.last_used.as_ref().expect("lastUsed is typed");
    assert!(usage.last_accessed_date_time.is_some());

    let request = msgraph::invitations()
        .id("{invitationsId}")
        .invited_user()
        .insights()
        .used()
        .create(body);
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.path(),
        "/invitations/%7BinvitationsId%7D/invitedUser/insights/used"
    );
    let request = msgraph::invitations()
        .id("a1b2")
        .invited_user()
        .insights()
        .used()
        .create(models::UsedInsight::default());
    assert_eq!(
        request.path(),
        "/invitations/a1b2/invitedUser/insights/used"
    );

    let body: models::UsedInsight =
        serde_json::from_value(used_insight_example()).expect("typed body");
    let sent = sent_body(
        msgraph::invitations()
            .id("a1b2")
            .invited_user()
            .insights()
            .used()
            .create(body)
            .into_http()
            .expect("a valid request"),
    );
    assert_eq!(sent, used_insight_example());
}

#[test]
fn seed_responses_read_as_their_documented_types() {
    let mut response = shared_insight_example();
    response["id"] = json!("f61710fa-10fa-f617-fa10-17f6fa1017f6");
    let http_response = http::Response::builder()
        .status(201)
        .body(serde_json::to_vec(&response).expect("JSON"))
        .expect("a response");
    let request = msgraph::me()
        .insights()
        .shared()
        .create(models::SharedInsight::default());
    let created: models::SharedInsight = request
        .parse_response(&http_response)
        .expect("typed response");
    assert_eq!(
        created.id.as_deref(),
        Some("f61710fa-10fa-f617-fa10-17f6fa1017f6")
    );
}

#[test]
fn flags_enums_read_and_write_combined_values() {
    use msgraph::models::{Trending, TrendingChannels};
    let trending: Trending =
        serde_json::from_value(json!({"id": "1", "channels": "email,chat"})).expect("typed");
    let channels = trending.channels.as_ref().expect("channels");
    assert_eq!(
        channels.0,
        [TrendingChannels::Email, TrendingChannels::Chat]
    );
    assert_eq!(
        serde_json::to_value(&trending).expect("JSON"),
        json!({"id": "1", "channels": "email,chat"})
    );
}
