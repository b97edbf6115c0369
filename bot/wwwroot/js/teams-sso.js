// Teams SSO for the tab: ask Teams for the user's token, exchange it for the pages' cookie, then open the page.
(function () {
    "use strict";
    var box = document.getElementById("teams-sso");
    var status = document.getElementById("teams-sso-status");
    if (!box || !window.microsoftTeams) {
        return;
    }

    function fail(message) {
        status.textContent = message;
        status.setAttribute("role", "alert");
    }

    window.microsoftTeams.app.initialize()
        .then(function () { return window.microsoftTeams.authentication.getAuthToken(); })
        .then(function (token) {
            var headers = { "Authorization": "Bearer " + token };
            headers[box.dataset.antiforgeryHeader] = box.dataset.antiforgery;
            return fetch("/signin/teams", { method: "POST", headers: headers, credentials: "same-origin" });
        })
        .then(function (response) {
            if (response.ok) {
                window.location.replace(box.dataset.returnUrl);
            } else if (response.status === 403) {
                fail("You are not in the compliance register yet: ask your compliance team to add you.");
            } else {
                fail("Teams could not sign you in (" + response.status + "). Close and reopen the tab.");
            }
        })
        .catch(function () { fail("Teams could not sign you in. Close and reopen the tab, or open the page in a browser."); });
}());
