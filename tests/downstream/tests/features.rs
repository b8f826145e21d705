//! Two areas, each behind its feature: `User` (of `users`) has the navigation property
//! `insights`, whose type only the `insights` area brings; with both features on, that field is
//! typed.

use msgraph::models;
use serde_json::json;

#[test]
fn a_field_typed_by_another_area_is_there_when_both_are_enabled() {
    let body = json!({
        "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
        "displayName": "Adele Vance",
        "insights": { "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd" }
    });
    let user: models::User = serde_json::from_value(body.clone()).expect("a user");
    let insights = user
        .insights
        .as_deref()
        .expect("typed, not left in additional_properties");
    assert_eq!(
        insights.id.as_deref(),
        Some("87d349ed-44d7-43e1-9a83-5f2406dee5bd")
    );
    assert!(user.additional_properties.is_empty());
    assert_eq!(serde_json::to_value(&user).expect("serializes"), body);

    let request = msgraph::users()
        .id("adele@contoso.com")
        .get()
        .expand(&["insights"]);
    assert_eq!(
        request.path_and_query(),
        "/users/adele@contoso.com?$expand=insights"
    );
}
