// Small browser helpers the Blazor components call through IJSRuntime.
window.webhookConsole = {
    // Copies text; falls back to a hidden textarea where the async clipboard API is unavailable or refused.
    copy: async function (text) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            const area = document.createElement("textarea");
            area.value = text;
            area.setAttribute("readonly", "");
            area.style.position = "fixed";
            area.style.opacity = "0";
            document.body.appendChild(area);
            area.select();
            let ok = false;
            try { ok = document.execCommand("copy"); } catch { ok = false; }
            document.body.removeChild(area);
            return ok;
        }
    },
    // Idle sign-out: a Blazor page sends no requests of its own, so while its person types, clicks, scrolls or moves the mouse
    // it tells the server so, at most every `everyMs` (SessionActivity). Once the sign-in has ended it stops asking.
    watchActivity: function (everyMs) {
        if (window.webhookConsole.activityWatched) return;
        window.webhookConsole.activityWatched = true;
        let last = Date.now();
        let ended = false;
        const report = function () {
            const now = Date.now();
            if (ended || now - last < everyMs) return;
            last = now;
            fetch(new URL("account/active", document.baseURI), { method: "POST", credentials: "same-origin" })
                .then(function (answer) { if (answer.status === 401) ended = true; })
                .catch(function () { /* offline for a moment: the next activity asks again */ });
        };
        for (const kind of ["keydown", "pointerdown", "wheel", "touchstart", "mousemove", "scroll"])
            document.addEventListener(kind, report, { capture: true, passive: true });
    },
    // The theme choice lives in a cookie so the server renders the first paint in it (a year; the path is the whole console).
    rememberTheme: function (value) {
        document.cookie = "console-theme=" + value + "; path=/; max-age=31536000; samesite=lax";
    }
};
