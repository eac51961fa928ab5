"""A small directory for tests: one province with two counties, the tax system (mode c) and a
bank (mode b); members normal, exempt, 流动 and without a post."""

DIRECTORY = {
    "orgs": [
        {"id": "P13", "name": "省委", "type": "党委", "local_path": "13", "mode": "a"},
        {"id": "P1301", "name": "市委", "type": "党委", "local_path": "13/1301", "mode": "a", "parent": "P13"},
        {"id": "P130102", "name": "长安区委", "type": "党委", "local_path": "13/1301/130102", "mode": "a", "parent": "P1301"},
        {"id": "P130104", "name": "桥西区委", "type": "党委", "local_path": "13/1301/130104", "mode": "a", "parent": "P1301"},
        {"id": "VIL1", "name": "一村党支部", "type": "支部", "domain": "农村", "local_path": "13/1301/130102/130102001",
         "mode": "a", "parent": "P130102"},
        {"id": "COM1", "name": "一社区党支部", "type": "支部", "domain": "社区", "local_path": "13/1301/130104/130104001",
         "mode": "a", "parent": "P130104"},
        {"id": "WIN1", "name": "政务窗口党支部", "type": "支部", "domain": "窗口单位",
         "local_path": "13/1301/130102/130102002", "mode": "a", "parent": "P130102"},
        {"id": "TAX13", "name": "省税务局党委", "type": "党委", "local_path": "13", "vertical_path": "tax/13", "mode": "c"},
        {"id": "TAXB1", "name": "长安区税务局党支部", "type": "支部", "domain": "窗口单位", "local_path": "13/1301/130102",
         "vertical_path": "tax/13/1301/130102", "mode": "c", "parent": "TAX13"},
        {"id": "BANK1", "name": "银行桥西支行党支部", "type": "支部", "domain": "国企", "local_path": "13/1301/130104",
         "vertical_path": "icbc/13/1301", "mode": "b", "parent": "P130104"},
        {"id": "P1302", "name": "唐山市委", "type": "党委", "local_path": "13/1302", "mode": "a", "parent": "P13"},
        {"id": "VIL2", "name": "唐山一村党支部", "type": "支部", "domain": "农村", "local_path": "13/1302/130202/130202001",
         "mode": "a", "parent": "P1302"},
    ],
    "members": [
        {"id": "M1", "org": "VIL1", "post": "网格员", "leading_cadre": True},
        {"id": "M2", "org": "VIL1", "post": "村务监督"},
        {"id": "M3", "org": "VIL1"},  # no fixed post: 设岗定责 first (P6)
        {"id": "M4", "org": "VIL1", "status": "exempt", "exempt_reason": "年老体弱", "post": "老党员"},
        {"id": "M5", "org": "VIL1", "status": "mobile", "location_org": "COM1", "post": "外出务工"},
        {"id": "M6", "org": "COM1", "post": "楼栋长"},
        {"id": "M7", "org": "TAXB1", "post": "办税服务厅"},
        {"id": "M8", "org": "BANK1", "post": "柜员"},
        {"id": "M9", "org": "VIL2", "post": "网格员"},
        {"id": "M10", "org": "WIN1", "post": "窗口受理"},
        {"id": "M11", "org": "WIN1", "post": "窗口受理"},
    ],
}
