// The workflow editor's few browser-side needs: Ctrl+S (⌘S) saves instead of opening the browser's "Save page"
// dialog, and a problem's link scrolls to its field.
let saveListener = null;

export function listenForSave(editor) {
    stopListeningForSave();
    saveListener = event => {
        if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "s" || event.key === "S")) {
            event.preventDefault();
            editor.invokeMethodAsync("SaveFromKeyboardAsync");
        }
    };
    window.addEventListener("keydown", saveListener);
}

export function stopListeningForSave() {
    if (saveListener) {
        window.removeEventListener("keydown", saveListener);
        saveListener = null;
    }
}

// Scrolls to the field marked data-field="<path>", or to the nearest enclosing one (steps[1].retry.delay → steps[1].retry),
// and puts the cursor in it.
export function scrollToField(path) {
    for (let candidate = path; candidate; ) {
        const field = document.querySelector(`[data-field="${CSS.escape(candidate)}"]`);
        if (field) {
            field.scrollIntoView({ block: "center", behavior: "smooth" });
            field.querySelector("input:not([type=hidden]), textarea, select, button, [tabindex]")?.focus({ preventScroll: true });
            return true;
        }
        const cut = Math.max(candidate.lastIndexOf("."), candidate.lastIndexOf("["));
        candidate = cut > 0 ? candidate.slice(0, cut) : "";
    }
    return false;
}
