import { api, showMessage, errorText } from "/static/console.js";

const form = document.getElementById("login-form");
const msg = document.getElementById("login-msg");

// next must stay on this site: a path, never //host or a scheme.
function nextURL(role) {
  const next = new URLSearchParams(location.search).get("next") || "";
  if (next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")) return next;
  return role === "admin" ? "/admin" : "/judge";
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
    location.href = nextURL(me.user.role);
  } catch (err) {
    showMessage(msg, err.status === 401 ? "用户名或密码不正确。" : errorText(err));
    form.password.value = "";
    form.password.focus();
  } finally {
    btn.disabled = false;
  }
});
