//! A user with the `users` feature alone: `users().id(..).get()`, licenses, identities and the
//! password profile, typed.

use serde_json::json;

#[tokio::main]
async fn main() {
    let (_server, client) = tasks::serve(
        "/users/adele@contoso.com",
        json!({
            "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
            "displayName": "Adele Vance",
            "userPrincipalName": "adele@contoso.com",
            "accountEnabled": true,
            "assignedLicenses": [
                { "disabledPlans": [], "skuId": "c7df2760-2c81-4ef7-b578-5b5392b571df" }
            ],
            "identities": [
                { "signInType": "emailAddress", "issuer": "contoso.onmicrosoft.com", "issuerAssignedId": "adele@contoso.com" }
            ],
            "passwordProfile": { "forceChangePasswordNextSignIn": true },
            "businessPhones": ["+1 425 555 0109"]
        }),
    )
    .await;
    let user = client
        .send(msgraph::users().id("adele@contoso.com").get())
        .await
        .expect("the user");
    assert_eq!(user.display_name.as_deref(), Some("Adele Vance"));
    let licenses = user.assigned_licenses.as_deref().unwrap_or_default();
    assert_eq!(
        licenses[0].sku_id.map(|id| id.to_string()).as_deref(),
        Some("c7df2760-2c81-4ef7-b578-5b5392b571df")
    );
    let identities = user.identities.as_deref().unwrap_or_default();
    assert_eq!(identities[0].sign_in_type.as_deref(), Some("emailAddress"));
    let profile = user.password_profile.as_ref().expect("the password profile is typed");
    assert_eq!(profile.force_change_password_next_sign_in, Some(true));
    assert!(user.additional_properties.is_empty(), "{:?}", user.additional_properties);
    println!("user: typed with `users` alone");
}
