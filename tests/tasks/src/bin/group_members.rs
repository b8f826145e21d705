//! A group and its members with the `groups` feature alone: the members come as directory
//! objects and cast to users.

use msgraph::models::User;
use serde_json::json;

#[tokio::main]
async fn main() {
    let (_server, client) = tasks::serve(
        "/groups/02bd9fd6/members",
        json!({
            "value": [
                {
                    "@odata.type": "#microsoft.graph.user",
                    "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
                    "displayName": "Adele Vance",
                    "mail": "adele@contoso.com"
                },
                {
                    "@odata.type": "#microsoft.graph.group",
                    "id": "45b7d2e7-b882-4a80-ba97-10b7a63b8fa4",
                    "displayName": "Golf Assist"
                }
            ]
        }),
    )
    .await;
    let members = client
        .send(msgraph::groups().id("02bd9fd6").members().list())
        .await
        .expect("the members");
    assert_eq!(members.value.len(), 2);
    let user: User = members.value[0].cast().expect("reads as a user").expect("the first member is a user");
    assert_eq!(user.mail.as_deref(), Some("adele@contoso.com"));
    assert!(matches!(members.value[1].cast::<User>(), Ok(None)));

    let (_server, client) = tasks::serve(
        "/groups/02bd9fd6",
        json!({
            "id": "02bd9fd6",
            "displayName": "Mark 8 Project Team",
            "groupTypes": ["Unified"],
            "mailEnabled": true,
            "securityEnabled": false,
            "visibility": "Public"
        }),
    )
    .await;
    let group = client
        .send(msgraph::groups().id("02bd9fd6").get())
        .await
        .expect("the group");
    assert_eq!(group.group_types.as_deref().unwrap_or_default(), ["Unified"]);
    assert!(group.additional_properties.is_empty(), "{:?}", group.additional_properties);
    println!("group and members: typed with `groups` alone");
}
