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
    }
};
