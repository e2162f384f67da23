// Loads /api/orders and shows the orders, where the function ran
// (x-placement) and how long the request took.
const ordersEl = document.getElementById("orders");
const meta = document.getElementById("meta");
const esc = s => String(s).replace(/[&<>"]/g, c => "&#" + c.charCodeAt(0) + ";");

async function load() {
  meta.textContent = "loading…";
  const start = performance.now();
  try {
    const resp = await fetch("/api/orders");
    const took = Math.round(performance.now() - start);
    const body = await resp.json();
    meta.innerHTML = "ran in <code>" + esc(resp.headers.get("x-placement") || "?") + "</code>, " + took +
      " ms, request <code>" + esc(resp.headers.get("x-request-id") || "?") + "</code>";
    if (!resp.ok) {
      ordersEl.innerHTML = "<p class=error>" + esc(body.error || resp.status) + "</p>";
      return;
    }
    ordersEl.innerHTML = "<p>" + esc(body.user) + ", " + body.queries + " queries to the back end:</p>" +
      body.orders.map(o => "<h2>" + esc(o.id) + "</h2><ul>" +
        o.items.map(i => "<li>" + esc(i.qty) + " × " + esc(i.name) + "</li>").join("") + "</ul>").join("");
  } catch (err) {
    meta.textContent = "";
    ordersEl.innerHTML = "<p class=error>" + esc(err) + "</p>";
  }
}

document.getElementById("load").onclick = load;
load();
