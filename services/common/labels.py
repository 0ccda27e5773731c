"""The Chinese a person reads for the API's stable English codes: one table for every surface.

The API answers with codes (`in_progress`, `party_lecture`, `window_closed`); the web app,
exports and reminders show people these labels instead. A code missing here shows as itself, and
tests/unit check that every code the domains define has its label. Dates and periods are written
in Chinese by services/common/written.py.
"""

from __future__ import annotations

from collections.abc import Mapping

LEVEL = {"branch": "支部", "group": "党小组", "member": "党员"}
KIND = {
    "party_building": "党建工作",
    "reform": "改革（业务）工作",
    "special_project": "专项工作",
    "rectification": "整改事项",
}
STATUS = {
    "planned": "未开始",
    "in_progress": "进行中",
    "done": "已完成",
    "cancelled": "已取消",
    "overdue": "已逾期",
    "raised": "已提出",  # a rectification the ledger has not planned yet
}
CADENCE = {
    "annual": "全年",
    "half_year": "半年",
    "quarterly": "季度",
    "monthly": "每月",
    "routine": "日常",
    "daily": "每日（已停用）",  # items planned before routine replaced it
    "once": "一次性",
}
# How often a routine (日常) item is reviewed: one occurrence each such period.
REVIEW = {
    "monthly": "每月回顾",
    "quarterly": "每季度回顾",
    "half_year": "每半年回顾",
    "annual": "每年回顾",
}
MEETING_TYPE = {
    "branch_general_meeting": "支部党员大会",
    "committee_meeting": "支委会",
    "group_meeting": "党小组会",
    "party_lecture": "党课",
    "activity_day": "主题党日活动",
}
ATTENDANCE = {"present": "出席", "on_leave": "请假", "absent": "缺席"}
# A required meeting in one period (the ledger's calendar of organisational life).
SLOT_STATUS = {"held": "已召开", "not_held": "应开未开", "open": "本期待开", "upcoming": "未到期"}
# What happened to a ledger item, as its history tells (the ledger's event types).
ITEM_EVENT = {
    "ItemPlanned": "安排事项",
    "ItemStarted": "开始",
    "ProgressNoted": "记录进展",
    "ItemCompleted": "完成",
    "ItemCancelled": "取消",
    "ItemReopened": "重新打开",
    "ItemReassigned": "改派责任人",
    "DueDateChanged": "调整完成时限",
    "AccountabilityRecorded": "追究问责",
    "ItemFileAttached": "上传附件",
}
# What the supervision holder did about an overdue occurrence (the ledger's accountability).
ACCOUNTABILITY_ACTION = {
    "reminder": "督办提醒",
    "talk": "约谈",
    "criticism": "批评教育",
    "written_check": "责令书面检查",
    "notice": "通报批评",
}
REPORT_KIND = {
    "minutes": "会议纪要",
    "work_report": "工作报告",
    "special_report": "专项报告",
    "summary": "总结",
    "other": "其他",
}
ROLE = {
    "secretary": "支部书记",
    "full_time_officer": "专职党务干部",
    "leadership_member": "班子成员",
    "committee_member": "支委",
    "group_leader": "党小组长",
    "member": "党员",
    "institution_committee": "机关党委",
}
# Other ways a roster writes a role: a secretary writes 书记 as often as 支部书记.
ROLE_SPELLINGS = {"书记": "secretary", "支部委员": "committee_member"}
RESPONSIBILITY = {
    "primary": "主体责任",
    "supervision": "监督责任",
    "coordination": "协调责任",
    "urging": "督促责任",
}
CYCLE_KIND = {"quarterly": "季度评议", "half_year": "半年评议", "year_end": "年终评议"}
CYCLE_STATUS = {"open": "进行中", "finalised": "已定档"}
STEP = {
    "self_review": "自评",
    "peer_review": "互评",
    "leader_review": "点评",
    "finalisation": "定档",
}
REVIEW_STATUS = {"submitted": "已提交", "owed": "待填写", "reopened": "已退回重填"}
PEER_SCOPE = {"group": "本党小组内互评", "branch": "全支部互评"}
# Whether a cycle's peer reviews name who wrote them.
PEER_MODE = {"anonymous": "匿名互评", "open": "实名互评"}
DIMENSION = {
    "ideological_education": "思想教育",
    "fulfilling_responsibility": "履行责任",
    "following_rules": "执行制度",
    "supervision": "监督管理",
}
INPUT = {
    "self": "自评",
    "peer": "互评",
    "leader": "点评",
    "ledger": "台账完成",
    "study": "学习",
    "attendance": "出勤",
}
GRADE = {
    "excellent": "优秀",
    "competent": "合格",
    "basically_competent": "基本合格",
    "incompetent": "不合格",
}
RANK = {
    "completion": "台账完成率",
    "meetings": "组织生活",
    "study": "学习达标",
    "goals": "目标进度",
    "score": "综合",
}
# The fields of the API's requests, named where an answer says which to correct.
FIELD = {
    "title": "标题",
    "description": "说明",
    "due_date": "截止日期",
    "owner_id": "责任人",
    "group_id": "党小组",
    "goal_id": "目标",
    "level": "层级",
    "kind": "类别",
    "cadence": "周期",
    "review": "回顾周期",
    "period": "期次",
    "note": "进展说明",
    "evidence": "佐证链接",
    "link": "链接",
    "text": "内容",
    "posted_on": "学习日期",
    "meeting_type": "会议类型",
    "held_on": "召开日期",
    "minutes": "会议纪要",
    "attendance": "出勤",
    "lecturer": "授课人",
    "partner": "联建单位",
    "place": "地点",
    "scores": "评分",
    "problems": "查摆的问题",
    "comments": "评语",
    "comment": "点评",
    "score": "分数",
    "rectifications": "整改事项",
    "windows": "填写时间",
    "peer_mode": "互评方式",
    "missing_reviews_reason": "缺评原因",
    "username": "用户名",
    "password": "密码",
    "old_password": "原密码",
    "new_password": "新密码",
    "repeat": "确认新密码",
    "primary": "主体责任人",
    "supervision": "监督责任人",
    "coordination": "协调责任人",
    "urging": "督促责任人",
    "reason": "原因",
    "due_day": "每期截止日",
    "action": "追究措施",
    "taken_on": "采取措施日期",
    "file": "附件",
    "_schema": "表单",
}
# The API's error codes (its `code` field), as a sentence a person can act on: the `message` of
# every error the API answers, and what the web app shows.
ERROR = {
    "bad_input": "填写的内容有误，请检查标出的项目。",
    "bad_json": "请求格式有误。",
    "busy": "同时登录的人太多，请稍后再试。",
    "forbidden": "您没有这项操作的权限。",
    "internal_error": "系统出错了，请稍后再试。",
    "not_found": "找不到这个页面，或您无权查看。",
    "not_ready": "系统正在启动，请稍后再试。",
    "request_in_progress": "这项操作正在处理中，请稍候刷新。",
    "service_unavailable": "服务暂时不可用，请稍后再试。",
    "too_many_attempts": "登录失败次数过多，请稍后再试。",
    "unauthorised": "用户名或密码不正确。",
    "invalid_transition": "当前状态下不能这样操作（可能已完成或已取消）。",
    "window_closed": "不在填写时间内。",
    "already_submitted": "已经提交过了，提交后不能修改。",
    "missing_reviews": "还有评议未提交，请填写缺评原因后再定档。",
    "concurrency_conflict": "内容刚被别人修改过，请刷新后再试。",
    "precondition_failed": "您看到的内容已被别人修改，请刷新后再试。",
    "password_change_required": "请先设置新密码（一次性密码只能用来设置新密码）。",
    "roster_invalid": "名册文件有错误，请按提示逐行修改后再导入。",
    "method_not_allowed": "不支持这种操作。",
    "bad_request": "请求有误。",
    "idempotency_key_reused": "这个请求编号（Idempotency-Key）已用于另一项操作，请换一个后重试。",
    "payload_too_large": "提交的内容太大了。",
    "header_too_large": "请求头太长了（例如登录凭据），请重新登录后再试。",
    "uri_too_long": "网址太长了。",
    "csrf": "页面已过期，请刷新后重新提交。",
    "file_too_large": "附件太大了，请上传不超过大小限制的文件。",
    "file_type_not_allowed": (
        "不支持这种文件，请上传PDF、图片（JPG、PNG、GIF、WebP）、Word、Excel、PowerPoint或纯文本文件。"
    ),
    "file_empty": "附件是空文件，请重新选择。",
}

TABLES: Mapping[str, Mapping[str, str]] = {
    "level": LEVEL,
    "kind": KIND,
    "status": STATUS,
    "cadence": CADENCE,
    "review": REVIEW,
    "meeting_type": MEETING_TYPE,
    "attendance": ATTENDANCE,
    "slot_status": SLOT_STATUS,
    "item_event": ITEM_EVENT,
    "accountability_action": ACCOUNTABILITY_ACTION,
    "report_kind": REPORT_KIND,
    "role": ROLE,
    "responsibility": RESPONSIBILITY,
    "cycle_kind": CYCLE_KIND,
    "cycle_status": CYCLE_STATUS,
    "step": STEP,
    "review_status": REVIEW_STATUS,
    "peer_scope": PEER_SCOPE,
    "peer_mode": PEER_MODE,
    "dimension": DIMENSION,
    "input": INPUT,
    "grade": GRADE,
    "rank": RANK,
    "field": FIELD,
    "error": ERROR,
}


def label(table: str, code: str | None) -> str:
    """The Chinese for `code` in `table` ("" for none; the code itself when it has no label)."""
    if code is None:
        return ""
    return TABLES[table].get(code, code)


def role_code(text: str) -> str | None:
    """The role a person wrote in Chinese (its label, or another usual spelling of it)."""
    for code, name in ROLE.items():
        if name == text:
            return code
    return ROLE_SPELLINGS.get(text)
