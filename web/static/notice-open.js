// Opened from a notice's signed link: keep the fresh visitor token the server issued for this
// browser (the chat page's key) and open the chat, which reconnects to that conversation.
const TOKEN_KEY = 'courtdesk.token';
const token = document.body.dataset.token;
if (token) {
  localStorage.setItem(TOKEN_KEY, token);
  location.replace('/');
}
