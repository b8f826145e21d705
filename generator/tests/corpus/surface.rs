//! The generated v1.0 crate used as its users will: copied into the corpus crate's `tests/`
//! by `generator/tests/corpus.rs` and run with every feature on.
#![cfg(feature = "full")]

use msgraph_v1 as msgraph;
use msgraph::directory_management::DirectoryObject;
use msgraph::groups::Group;
use msgraph::users::User;
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

    let user: User = members[0].cast().expect("the first member is a user");
    assert_eq!(user.display_name.as_deref(), Some("Adele Vance"));
    assert_eq!(user.account_enabled, Some(true));
    assert_eq!(user.business_phones.as_deref(), Some(&["+1 425 555 0109".to_owned()][..]));
    assert_eq!(user.additional_properties["somethingNew"], json!({"kept": [1, 2]}));
    assert!(members[0].cast::<Group>().is_none(), "a user is no group");

    let group: Group = members[1].cast().expect("the second member is a group");
    assert_eq!(group.mail_enabled, Some(true));
    assert_eq!(group.group_types.as_deref(), Some(&["Unified".to_owned()][..]));
    assert!(members[1].cast::<User>().is_none(), "a group is no user");

    // Nothing is lost on the way: each writes back as the JSON it was read from.
    assert_eq!(serde_json::to_value(&user).expect("serializes"), adele);
    assert_eq!(serde_json::to_value(&group).expect("serializes"), sales);
}
