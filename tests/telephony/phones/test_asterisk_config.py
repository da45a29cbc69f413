"""Sanity of asterisk/*.conf against what the AMI adapter and the transcripts expect.

Runs in CI without Asterisk: the files are parsed by ``asterisk_conf`` and
checked for the contexts, events, variables, permissions and modules the
dialer relies on. (Lives here because tests/telephony/phones is where the
real-PBX helper owns tests; it tests ../../../asterisk.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from telephony.ami.frames import UnsafeAmiValue, check_agent_dial
from telephony.transcripts import load_all
from tests.telephony.phones.asterisk_conf import (
    Priority,
    Section,
    dialplan,
    effective,
    function_written,
    functions_called,
    gotoif_targets,
    named,
    objects_of_type,
    parse_app,
    parse_file,
    variables_read,
)

CONF = Path(__file__).resolve().parents[3] / "asterisk"

# What the adapter puts on every Originate (and Setvar AGENT later).
ADAPTER_VARIABLES = {"ATTEMPT_ID", "AGENT", "ABANDON_MS", "MACHINE_ACTION"}
# Set by Asterisk itself: the extension, Dial's and AMD()'s results.
ASTERISK_VARIABLES = {"EXTEN", "DIALSTATUS", "AMDSTATUS", "AMDCAUSE"}
READ = {"call", "agent", "user", "dialplan", "originate", "reporting"}
WRITE = {"call", "originate", "agent", "user", "reporting"}
# Applications built into Asterisk's core (pbx.c, pbx_builtins.c).
CORE_APPS = {"Answer", "Busy", "Congestion", "Goto", "GotoIf", "Hangup", "NoOp"}
CORE_APPS |= {"Ringing", "Set", "Wait"}
MODULE_OF = {
    "Dial": "app_dial.so",
    "AMD": "app_amd.so",
    "WaitForSilence": "app_waitforsilence.so",
    "UserEvent": "app_userevent.so",
    "Playback": "app_playback.so",
    "MusicOnHold": "res_musiconhold.so",
    "ExecIf": "app_exec.so",
    "IF": "func_logic.so",
    "REGEX": "func_strings.so",
    "STRFTIME": "func_strings.so",
    "DIALPLAN_EXISTS": "func_dialplan.so",
    "CALLERID": "func_callerid.so",
    "CHANNEL": "func_channel.so",
}


@pytest.fixture(scope="module")
def plan() -> dict[str, list[Priority]]:
    return dialplan(parse_file(CONF / "extensions.conf"))


@pytest.fixture(scope="module")
def pjsip() -> list[Section]:
    return parse_file(CONF / "pjsip.conf")


def the_section(path: Path, name: str) -> Section:
    found = named(parse_file(path), name)
    assert len(found) == 1, f"{path.name}: expected one [{name}]"
    return found[0]


def all_steps(plan: dict[str, list[Priority]]) -> list[Priority]:
    return [step for steps in plan.values() for step in steps]


def apps_of(step: Priority) -> list[tuple[str, str]]:
    """The application of a step, and the one ExecIf runs inside it."""
    apps = [(step.app, step.args)]
    if step.app == "ExecIf":
        inner = step.args.rpartition("?")[2].split(":")[0]
        apps.append(parse_app(inner))
    return apps


# -- manager.conf ---------------------------------------------------------
def test_ami_user_has_exactly_the_recorded_permissions() -> None:
    dialer = the_section(CONF / "manager.conf", "dialer")
    assert set((dialer.get("read") or "").split(",")) == READ
    assert set((dialer.get("write") or "").split(",")) == WRITE


def test_ami_listens_and_accepts_on_loopback_only() -> None:
    general = the_section(CONF / "manager.conf", "general")
    dialer = the_section(CONF / "manager.conf", "dialer")
    assert general.get("bindaddr") == "127.0.0.1"
    assert general.get("port") == "5038"
    assert dialer.all("deny") == ["0.0.0.0/0.0.0.0"]
    assert dialer.all("permit") == ["127.0.0.1/255.255.255.255"]
    assert int(dialer.get("writetimeout") or "0") > 0


def test_ami_secret_is_a_long_placeholder_not_the_test_one() -> None:
    secret = the_section(CONF / "manager.conf", "dialer").get("secret") or ""
    assert len(secret) >= 24
    assert secret != "dialer-secret"
    assert secret.startswith("CHANGE-ME")


# -- extensions.conf ------------------------------------------------------
@pytest.mark.parametrize("context", ["dialer-connect", "dialer-connect-amd", "outbound"])
def test_contexts_the_adapter_uses_exist(plan: dict[str, list[Priority]], context: str) -> None:
    assert plan.get(context), f"missing [{context}]"


def test_connect_contexts_start_at_s_1(plan: dict[str, list[Priority]]) -> None:
    for context in ("dialer-connect", "dialer-connect-amd"):
        first = plan[context][0]
        assert (first.exten, first.number) == ("s", 1)


def dialer_originates() -> list[tuple[str, list[tuple[str, str]]]]:
    """(transcript, headers) of each recorded Originate into a dialplan context."""
    found = []
    for transcript in load_all().values():
        for sent in transcript.sent():
            if sent.get("Action") == "Originate" and sent.get("Context"):
                found.append((transcript.name, sent.headers))
    assert len(found) >= 10
    return found


def test_recorded_originates_land_in_existing_contexts(plan: dict[str, list[Priority]]) -> None:
    for name, headers in dialer_originates():
        fields = dict(headers)
        assert fields["Context"] in plan, name
        assert fields["Exten"] in {p.exten for p in plan[fields["Context"]]}, name


def user_events(plan: dict[str, list[Priority]], name: str) -> list[Priority]:
    steps = all_steps(plan)
    return [s for s in steps if s.app == "UserEvent" and s.args.split(",")[0] == name]


@pytest.mark.parametrize("name", ["DialerAnswered", "DialerAMD", "DialerAbandoned"])
def test_user_events_carry_the_attempt(plan: dict[str, list[Priority]], name: str) -> None:
    raised = user_events(plan, name)
    assert raised, f"{name} is never raised"
    for step in raised:
        assert "Attempt: ${ATTEMPT_ID}" in step.args.split(",")[1:]


def test_amd_event_reports_status_and_cause(plan: dict[str, list[Priority]]) -> None:
    (amd,) = user_events(plan, "DialerAMD")
    assert amd.args.split(",")[2:] == ["Status: ${AMDSTATUS}", "Cause: ${AMDCAUSE}"]


def test_user_events_look_like_the_recorded_ones(plan: dict[str, list[Priority]]) -> None:
    """With ATTEMPT_ID substituted, the AppData is what Asterisk 22 recorded."""
    recorded = set()
    for transcript in load_all().values():
        for event in transcript.events("Newexten"):
            if event.get("Application") == "UserEvent":
                recorded.add((event.get("AppData") or "").split(",")[0:2][1].split(":")[0])
    ours = {s.args.split(",")[1].split(":")[0] for s in all_steps(plan) if s.app == "UserEvent"}
    assert ours == recorded == {"Attempt"}


def test_amd_runs_before_anything_reaches_an_agent(plan: dict[str, list[Priority]]) -> None:
    apps = [s.app for s in plan["dialer-connect-amd"]]
    assert apps.index("AMD") < apps.index("UserEvent") < apps.index("GotoIf")
    steps = plan["dialer-connect-amd"]
    gotoif = next(s for s in steps if s.app == "GotoIf")
    assert '"${AMDSTATUS}" = "MACHINE"' in gotoif.args
    assert gotoif_targets(gotoif.args) == ["machine"]
    # n(machine): only the exact word "message" leaves the message, anything else hangs up.
    machine = next(s for s in steps if s.label == "machine")
    assert machine.app == "GotoIf" and '"^message$" ${MACHINE_ACTION}' in machine.args
    assert gotoif_targets(machine.args) == ["message"]
    after = steps[steps.index(machine) + 1]
    assert after.app == "Hangup"
    message = next(s for s in steps if s.label == "message")
    tail = [(s.app, s.args) for s in steps[steps.index(message) :]]
    assert tail[-2:] == [("Playback", "dialer/machine-message"), ("Hangup", "16")]
    assert ("WaitForSilence", "1500,1,20") in tail


def test_abandon_clock_starts_before_amd(plan: dict[str, list[Priority]]) -> None:
    apps = [(s.app, s.args.split("=")[0]) for s in plan["dialer-connect-amd"]]
    assert apps.index(("Set", "ANSWERED_AT_MS")) < apps.index(("AMD", ""))


def test_abandon_raises_its_event_before_the_message(plan: dict[str, list[Priority]]) -> None:
    abandon = [s for s in plan["dialer-agent"] if s.exten == "abandon"]
    apps = [s.app for s in abandon]
    assert apps[0] == "UserEvent" and "Playback" in apps and apps[-1] == "Hangup"


AGENT_SAMPLES = [
    ("PJSIP/901", True),
    ("Local/901@sim-agents", True),
    ("Local/901@sim-agents/n", True),
    ("901", False),
    ("PJSIP/901&PJSIP/902", False),
    ("PJSIP/901,30", False),
    ("Local/901@sim-agents/nj", False),
    ("PJSIP/9 01", False),
    ("IAX2/901", False),
]


def test_agent_dial_string_is_checked_before_dialling_as_the_dialer_checks_it(
    plan: dict[str, list[Priority]],
) -> None:
    steps = plan["dialer-agent"]
    dial = next(i for i, s in enumerate(steps) if s.app == "Dial")
    assert steps[dial].args.startswith("${AGENT},")
    guard = next(i for i, s in enumerate(steps) if "${REGEX(" in s.args and "${AGENT}" in s.args)
    assert guard < dial
    pattern = re.search(r'REGEX\("([^"]+)" \$\{AGENT\}\)', steps[guard].args)
    assert pattern is not None
    # POSIX ERE as Asterisk compiles it; this pattern uses only what Python reads alike.
    for sample, accepted in AGENT_SAMPLES:
        assert (re.search(pattern.group(1), sample) is not None) is accepted, sample
        try:
            check_agent_dial(sample)
            dialer_accepts = True
        except UnsafeAmiValue:
            dialer_accepts = False
        assert dialer_accepts is accepted, sample


def test_every_goto_lands_somewhere(plan: dict[str, list[Priority]]) -> None:
    for step in all_steps(plan):
        if step.app == "GotoIf":
            targets = gotoif_targets(step.args)
        elif step.app == "Goto":
            targets = [step.args]
        else:
            continue
        for target in targets:
            parts = [p.strip() for p in target.split(",")]
            context = parts[0] if len(parts) == 3 else step.context
            exten = parts[-2] if len(parts) >= 2 else step.exten
            where = [s for s in plan.get(context, []) if s.exten == exten]
            if len(parts) == 1:
                assert any(s.label == parts[0] for s in where), f"{step}: no label {target}"
            else:
                assert any(str(s.number) == parts[-1] for s in where), f"{step}: no {target}"


def test_every_variable_read_is_set_by_someone(plan: dict[str, list[Priority]]) -> None:
    sections = parse_file(CONF / "extensions.conf")
    (globals_,) = named(sections, "globals")
    defined = {key for key, _ in globals_.options}
    set_here = set()
    for step in all_steps(plan):
        for app, args in apps_of(step):
            if app == "Set" and function_written(args) is None:
                set_here.add(args.split("=")[0])
    allowed = ADAPTER_VARIABLES | ASTERISK_VARIABLES | defined | set_here
    for step in all_steps(plan):
        unknown = variables_read(step.args) - allowed
        assert not unknown, f"[{step.context}] {step.app}({step.args}) reads {unknown}"


def test_recorded_originates_set_only_adapter_variables() -> None:
    for name, headers in dialer_originates():
        variables = {value.split("=")[0] for key, value in headers if key == "Variable"}
        assert {"ATTEMPT_ID", "AGENT"} <= variables <= ADAPTER_VARIABLES, name


def test_every_application_and_function_is_core_or_required() -> None:
    modules = the_section(CONF / "modules.conf", "modules")
    required = set(modules.all("require"))
    plan = dialplan(parse_file(CONF / "extensions.conf"))
    for step in all_steps(plan):
        for app, args in apps_of(step):
            if app not in CORE_APPS:
                assert MODULE_OF.get(app) in required, f"{app} needs its module required"
            used = functions_called(args) | {function_written(args) or "IF"}
            for function in used:
                assert MODULE_OF.get(function) in required, f"{function} in {step}"


def test_outbound_dials_the_trunk_and_keeps_the_carrier_cause(
    plan: dict[str, list[Priority]],
) -> None:
    national = [s for s in plan["outbound"] if s.exten == "_0[1-9]XXXXXXXX"]
    apps = [s.app for s in national]
    assert national[apps.index("Dial")].args.endswith("@trunk")
    assert national[-1].app == "Hangup" and national[-1].args == ""


# -- pjsip.conf -----------------------------------------------------------
def test_dialplan_endpoints_exist(plan: dict[str, list[Priority]], pjsip: list[Section]) -> None:
    endpoints = objects_of_type(pjsip, "endpoint")
    assert {"trunk", "901", "902", "903", "904", "905"} <= endpoints.keys()
    assert {"test-person", "991", "992"} <= endpoints.keys()


def test_every_endpoint_that_registers_has_an_aor_and_an_auth(pjsip: list[Section]) -> None:
    aors, auths = objects_of_type(pjsip, "aor"), objects_of_type(pjsip, "auth")
    for name, options in objects_of_type(pjsip, "endpoint").items():
        assert options["aors"][-1] in aors, name
        auth = options.get("auth", options.get("outbound_auth", [""]))[-1]
        assert auth in auths, name


def test_trunk_always_presents_the_caller_id(pjsip: list[Section]) -> None:
    trunk = objects_of_type(pjsip, "endpoint")["trunk"]
    assert trunk["callerid_privacy"][-1].startswith("allowed")
    assert trunk["send_pai"][-1] == "yes"
    assert trunk["from_user"][-1].isdigit()
    assert trunk["context"][-1] == "from-carrier"


def test_test_peers_accept_loopback_contacts_only(pjsip: list[Section]) -> None:
    for name in ("test-person", "991", "992"):
        options = objects_of_type(pjsip, "endpoint")[name]
        assert options["contact_permit"] == ["127.0.0.1/255.255.255.255"]
        assert options["contact_deny"] == ["0.0.0.0/0.0.0.0"]


def test_pyvoip_peers_are_never_qualified(pjsip: list[Section]) -> None:
    aors = objects_of_type(pjsip, "aor")
    for name in ("test-person", "991", "992"):
        assert aors[name]["qualify_frequency"][-1] == "0", name


def test_endpoint_contexts_exist(plan: dict[str, list[Priority]], pjsip: list[Section]) -> None:
    for name, options in objects_of_type(pjsip, "endpoint").items():
        assert options["context"][-1] in plan, name


def test_templates_resolve(pjsip: list[Section]) -> None:
    names = {s.name for s in pjsip if s.is_template}
    for section in pjsip:
        assert set(section.templates) <= names, section.name
        assert effective(pjsip, section).get("type"), section.name


def test_agent_may_start_an_attended_transfer_and_the_person_may_not(
    plan: dict[str, list[Priority]],
) -> None:
    (dial,) = [s for s in plan["dialer-agent"] if s.app == "Dial"]
    options = dial.args.split(",")[2] if dial.args.count(",") >= 2 else ""
    # t: the called party (the agent) transfers; T would let the person's keypad do it.
    assert "t" in options and "T" not in options


def test_features_map_only_the_attended_transfer_code() -> None:
    """AMI Atxfer plays the atxfer code (refused without one, recording 64 of an earlier
    PBX); the keys `t` would also arm on the agent's phone are left unmapped."""
    mapped: dict[str, str] = {}
    section = ""
    for raw in (CONF / "features.conf").read_text(encoding="utf-8").splitlines():
        line = raw.split(";", 1)[0].strip()
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "featuremap" and line:
            name, _, value = line.partition("=")
            mapped[name.strip()] = value.lstrip(">").strip()
    assert mapped == {"atxfer": "*2", "blindxfer": "", "disconnect": ""}
