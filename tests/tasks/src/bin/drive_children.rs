//! A drive folder's children with the files area's feature alone (in the v1.0 reference the
//! OneDrive pages say `ms.prod: sharepoint`).

use serde_json::json;

#[tokio::main]
async fn main() {
    let (_server, client) = tasks::serve(
        "/drives/b!t18F/items/01BYE5RZ/children",
        json!({
            "value": [
                {
                    "id": "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K",
                    "name": "Contoso Project",
                    "size": 110,
                    "folder": { "childCount": 3 },
                    "createdBy": { "user": { "displayName": "Adele Vance", "id": "87d349ed" } },
                    "parentReference": { "driveId": "b!t18F", "id": "01BYE5RZ" }
                },
                {
                    "id": "01BYE5RZ4SNCLQ5FQS3VCIDQ5PMDNMQSZI",
                    "name": "notes.txt",
                    "size": 42,
                    "file": { "mimeType": "text/plain" }
                }
            ]
        }),
    )
    .await;
    let children = client
        .send(
            msgraph::drives()
                .id("b!t18F")
                .items()
                .id("01BYE5RZ")
                .children()
                .list(),
        )
        .await
        .expect("the children");
    let folder = &children.value[0];
    assert_eq!(folder.folder.as_ref().and_then(|f| f.child_count), Some(3));
    let creator = folder.created_by.as_ref().and_then(|by| by.user.as_ref());
    assert_eq!(
        creator.and_then(|u| u.display_name.as_deref()),
        Some("Adele Vance")
    );
    let file = &children.value[1];
    assert_eq!(
        file.file.as_ref().and_then(|f| f.mime_type.as_deref()),
        Some("text/plain")
    );
    for child in &children.value {
        assert!(child.additional_properties.is_empty(), "{:?}", child.additional_properties);
    }
    println!("drive children: typed with `sharepoint` alone");
}
