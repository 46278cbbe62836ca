// A client built only from openapi.yaml (openapi-typescript types, openapi-fetch calls),
// walking what a family does first, against a running server with the demo data:
// sign in, read the dossier, a child's month planning and the invoices, then put a
// holiday week in the basket and check it out. Every call is typed by the contract: a
// change that breaks it fails `tsc --strict` here before it fails a client team.
//
//   BASE_URL=http://127.0.0.1:8080 npm run smoke

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type Problem = components["schemas"]["Problem"];

const baseUrl = process.env.BASE_URL ?? "http://127.0.0.1:8080";
const api = createClient<paths>({ baseUrl });

/// The data of an answer, or the run stops with the problem the server sent.
function expect<T>(step: string, answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined) {
    const problem = answer.error as Problem | undefined;
    throw new Error(
      `${step}: ${answer.response.status} ${problem?.code ?? ""} ${problem?.detail ?? ""}`.trim(),
    );
  }
  console.log(`ok  ${step} (${answer.response.status})`);
  return answer.data;
}

function check(condition: boolean, what: string): void {
  if (!condition) {
    throw new Error(`failed: ${what}`);
  }
}

async function main(): Promise<void> {
  const tokens = expect(
    "sign in as the demo family",
    await api.POST("/api/v1/auth/login", {
      body: { login: "famille.ti", password: "Famille-TI-2026!", rememberMe: false },
    }),
  );
  const headers = { Authorization: `Bearer ${tokens.accessToken}` };

  const dossier = expect("read the dossier", await api.GET("/api/v1/dossier", { headers }));
  check(dossier.number === "18", `dossier 18, got ${dossier.number}`);
  const children = expect("list the children", await api.GET("/api/v1/children", { headers }));
  const thomas = children.find((child) => child.firstName === "Thomas");
  check(thomas !== undefined, "Thomas is one of the children");
  const childId = thomas?.id ?? 0;

  const planning = expect(
    "read Thomas's month planning",
    await api.GET("/api/v1/children/{childId}/planning", {
      headers,
      params: { path: { childId }, query: { period: "month", date: "2027-03-01" } },
    }),
  );
  check(
    planning.from === "2027-03-01" && planning.to === "2027-03-31",
    `the whole month, got ${planning.from} to ${planning.to}`,
  );
  check(planning.children[0]?.childId === childId, "the planning is Thomas's");

  const invoices = expect("list the invoices", await api.GET("/api/v1/invoices", { headers }));
  check(invoices.total >= 1, "the demo's unpaid invoice is listed");
  const first = invoices.items[0];
  check(first !== undefined && first.balanceCents > 0, "the demo invoice has something to pay");

  const offers = expect(
    "list what Thomas is offered",
    await api.GET("/api/v1/children/{childId}/offers", { headers, params: { path: { childId } } }),
  );
  const prepaid = offers.filter((offer) => offer.activity.mode === "prepaid");
  check(prepaid.length > 0, "holiday weeks paid at once are offered");
  // The first prepaid activity with a week that can be booked now, with places left.
  let activityId = 0;
  let week: { weekStart: string } | undefined;
  for (const offer of prepaid) {
    const weeks = expect(
      `list the weeks of ${offer.activity.name}`,
      await api.GET("/api/v1/children/{childId}/holiday-weeks", {
        headers,
        params: { path: { childId }, query: { activityId: offer.activity.id } },
      }),
    );
    week = weeks.find((w) => w.bookableNow && w.groups.some((group) => group.placesLeft > 0));
    if (week !== undefined) {
      activityId = offer.activity.id;
      break;
    }
  }
  check(week !== undefined, "a week bookable now, with places left");

  const basket = expect(
    "add the week to the basket",
    await api.POST("/api/v1/basket/items", {
      headers,
      body: { childId, activityId, weekStart: week?.weekStart ?? "" },
    }),
  );
  check(basket.items.length >= 1 && basket.totalCents > 0, "the basket holds the priced week");

  const checkout = expect(
    "check the basket out",
    await api.POST("/api/v1/basket/checkout", {
      headers,
      params: { header: { "Idempotency-Key": `smoke-${Date.now()}` } },
    }),
  );
  check(checkout.status === "held", `the basket is held, got ${checkout.status}`);
  const payment = checkout.payment;
  check(
    payment !== null && payment !== undefined && (payment.redirectUrl ?? "").length > 0,
    "payment.redirectUrl says where to pay",
  );
  check(payment?.amountCents === checkout.totalCents, "the payment is the basket's total");
  console.log(`the family pays ${checkout.totalCents} cents at ${payment?.redirectUrl}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
