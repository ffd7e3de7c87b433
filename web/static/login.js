import { api, showMessage, errorText } from "/static/console.js";

const form = document.getElementById("login-form");
const msg = document.getElementById("login-msg");

// safeNext returns next when it is a path on this site, or "" otherwise. Browsers forgive a lot
// in a URL: they drop tabs and newlines ("/\t/evil.example" becomes "//evil.example") and read a
// backslash as a slash, so any such character, a "//" start or a different origin after parsing
// is refused rather than repaired.
export function safeNext(next) {
  if (typeof next !== "string" || next.length > 512) return "";
  if (!next.startsWith("/") || next.startsWith("//")) return "";
  if (/[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/.test(next)) return "";
  let u;
  try { u = new URL(next, location.origin); } catch { return ""; }
  if (u.origin !== location.origin || u.pathname === "/login") return "";
  return u.pathname + u.search + u.hash;
}

function nextURL(role) {
  return safeNext(new URLSearchParams(location.search).get("next") || "") || (role === "admin" ? "/admin" : "/judge");
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const username = form.username.value.trim();
  const password = form.password.value;
  if (!username || !password) {
    showMessage(msg, "请输入用户名和密码。");
    (username ? form.password : form.username).focus();
    return;
  }
  const btn = document.getElementById("login-submit");
  btn.disabled = true;
  try {
    const me = await api("POST", "/api/v1/auth/login", { username, password });
    location.replace(nextURL(me.user.role));
  } catch (err) {
    showMessage(msg, err.status === 401 ? "用户名或密码不正确。" : errorText(err));
    form.password.value = "";
    form.password.focus();
  } finally {
    btn.disabled = false;
  }
});
