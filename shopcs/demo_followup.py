"""The demo's follow-up history (for `flask demo seed`): the shop's name, unpaid reminders sent and concerns recorded
in the past, and cases answered over the last weeks, so that every report has figures from the first login."""
from datetime import timedelta

from .actor import Actor
from .app_config import outbox_channel, shop_zone
from .assistant.reading import read_message
from .audit.services import record
from .cases.reply_status import mark_given
from .cases.services import CaseInput, create_case, reply
from .cases.work import change_status
from .extensions import db
from .followup.models import BuyerConcern
from .followup.settings import load_settings, save_settings
from .followup.unpaid import KIND, reminder_body, reminder_key
from .notify.models import OutboxMessage

SHOP_NAME = "织云小铺"
CONCERNS = [("price", "觉得价格有点高，问有没有优惠券"), ("shipping_time", "担心周末前到不了"), ("size", "不确定尺码，问了身高体重"),
            ("payment_method", "问能不能用花呗分期"), ("quality_doubt", "担心羊毛起球"), ("changed_mind", "说再考虑一下")]
PAST_ASKS = [("tracking", "chat", "物流到哪了", "您好，我的快递到哪里了？"),
             ("payment", "phone", "发票怎么开", "买家来电询问发票。"),
             ("pre_sale", "chat", "台灯有几档亮度", "请问护眼台灯可以调几档亮度？"),
             ("tracking", "chat", "能改地址吗", "还没发货的话能改地址吗？")]


def name_the_shop(admin: Actor, now) -> None:
    """The follow-up settings' shop name, so reminders and greetings say who writes (audited like a person's change)."""
    if not load_settings().shop_name:
        save_settings({"shop_name": SHOP_NAME}, admin, now)


def _not_paid_at_once(order, grace: timedelta) -> bool:
    return order.paid_at is None or order.paid_at - order.placed_at > grace


def _sent_reminder(order, step, at, settings, zone) -> OutboxMessage:
    return OutboxMessage(dedupe_key=reminder_key(order.id, step), kind=KIND, customer_id=order.customer_id, order_id=order.id,
                         channel="manual", body=reminder_body(order, settings, zone), scheduled_for=at, status="sent",
                         attempts=1, created_at=at, sent_at=at)


def past_reminders(rng, orders, now, agent: Actor) -> None:
    """Orders placed before today and not paid at once: most got the first reminder (the unpaid never paid, often the
    second too), some buyers told the agent what held them back. The scheduler sends today's reminders itself."""
    settings, zone = load_settings(), shop_zone()
    offsets = settings.step_offsets()
    for order in orders:
        if order.placed_at > now - timedelta(days=1) or not offsets or not _not_paid_at_once(order, offsets[0]):
            continue
        first = order.placed_at + offsets[0]
        if order.paid_at is None or rng.random() < 0.7:
            db.session.add(_sent_reminder(order, 1, first, settings, zone))
        if order.paid_at is None and len(offsets) > 1 and rng.random() < 0.6:
            db.session.add(_sent_reminder(order, 2, order.placed_at + offsets[1], settings, zone))
        heard = first + timedelta(minutes=5)
        if rng.random() < 0.35 and (order.paid_at is None or heard < order.paid_at):
            category, text = rng.choice(CONCERNS)
            db.session.add(BuyerConcern(order_id=order.id, category=category, text=text, author=agent.label, created_at=heard))
            record(agent, "followup.concern", heard, order_id=order.id, after={"category": category, "text": text})
    db.session.commit()


def past_cases(rng, orders, now, agents: list[Actor]) -> None:
    """A case every other day over the last four weeks, answered within minutes and resolved: the team report's
    weeks and months have volumes, response times and replies per agent."""
    platform, shop_channel = Actor("token:demo-platform", None, True), outbox_channel()
    shipped = [o for o in orders if o.status in ("shipped", "completed")]
    for days_ago in range(2, 29, 2):
        category, channel, subject, body = PAST_ASKS[days_ago // 2 % len(PAST_ASKS)]
        received = (now - timedelta(days=days_ago)).replace(hour=rng.randrange(2, 12), minute=rng.randrange(60))
        order = rng.choice(shipped) if shipped else None
        case = create_case(CaseInput(category, channel, subject, body, received, order_no=order.order_no if order else None,
                                     customer=None if order else {"external_id": "demo-buyer-0", "name": "王伟", "phone": "",
                                                                  "email": ""}, reading=read_message(body)),
                           platform, received, shop_zone(),
                           outbox_channel=shop_channel)
        agent, answered = rng.choice(agents), received + timedelta(minutes=rng.randrange(1, 7))
        if channel == "phone":
            reply(case.id, "已电话告知买家。", agent, answered + timedelta(minutes=1), send=False, given_at=answered,
                  outbox_channel=shop_channel)
        else:
            event = reply(case.id, "您好，已为您查询，请放心。", agent, answered, outbox_channel=shop_channel)
            mark_given(case.id, event.id, agent, answered)  # pasted into the platform's chat: answered then
        change_status(case.id, "resolved", agent, answered + timedelta(minutes=20))
