"""Fictional but realistic demo material. Every organisation name here is invented."""

# (Chinese name, English name, kind, district code, size)
ORGANISATIONS = [
    ("鹏城医科大学", "Pengcheng Medical University", "university", "nanshan", "na"),
    ("南海理工大学", "Nanhai University of Technology", "university", "nanshan", "na"),
    ("深圳湾师范学院", "Shenzhen Bay Normal College", "university", "futian", "na"),
    ("前海海洋大学", "Qianhai Ocean University", "university", "baoan", "na"),
    ("深港健康科学研究院", "Shenzhen–Hong Kong Institute of Health Sciences", "institute", "futian", "na"),
    ("鹏城环境科学研究院", "Pengcheng Institute of Environmental Sciences", "institute", "longgang", "na"),
    ("深圳市绿色建筑研究院", "Shenzhen Green Building Research Institute", "institute", "luohu", "na"),
    ("大鹏海洋生态研究所", "Dapeng Marine Ecology Institute", "institute", "dapeng", "na"),
    ("光明食品安全检测研究院", "Guangming Food Safety Testing Institute", "institute", "guangming", "na"),
    ("深圳市第一民生医院", "Shenzhen First Livelihood Hospital", "hospital", "luohu", "na"),
    ("南山区中医院", "Nanshan Hospital of Traditional Chinese Medicine", "hospital", "nanshan", "na"),
    ("龙岗区妇幼保健院", "Longgang Maternal and Child Health Hospital", "hospital", "longgang", "na"),
    ("宝安区康复医院", "Bao'an Rehabilitation Hospital", "hospital", "baoan", "na"),
    ("深圳市急救医疗中心", "Shenzhen Emergency Medical Centre", "hospital", "futian", "na"),
    ("深圳市公共卫生数据中心", "Shenzhen Public Health Data Centre", "public", "futian", "na"),
    ("深圳市应急指挥保障中心", "Shenzhen Emergency Command Support Centre", "public", "futian", "na"),
    ("深圳市教育信息化中心", "Shenzhen Education Informatisation Centre", "public", "futian", "na"),
    ("深圳市社区服务指导中心", "Shenzhen Community Services Guidance Centre", "public", "longhua", "na"),
    ("深圳市数字文化馆", "Shenzhen Digital Culture Centre", "public", "luohu", "na"),
    ("鹏城技术交易所", "Pengcheng Technology Exchange", "service", "futian", "medium"),
    ("深港知识产权服务中心", "Shenzhen–Hong Kong IP Services Centre", "service", "nanshan", "small"),
    ("前海民生创投管理有限公司", "Qianhai Livelihood Venture Capital Management Co., Ltd.", "service", "nanshan", "small"),
    ("坪山生物医药孵化器有限公司", "Pingshan Biomedicine Incubator Co., Ltd.", "service", "pingshan", "small"),
    ("深圳市科技成果转移促进中心", "Shenzhen Technology Transfer Promotion Centre", "service", "futian", "small"),
    ("深圳康宁医疗器械有限公司", "Shenzhen Kangning Medical Devices Co., Ltd.", "enterprise", "nanshan", "medium"),
    ("深圳智慧慢病管理科技有限公司", "Shenzhen Smart Chronic Care Technology Co., Ltd.", "enterprise", "futian", "small"),
    ("深圳基因早筛生物科技有限公司", "Shenzhen Early Gene Screening Biotech Co., Ltd.", "enterprise", "pingshan", "medium"),
    ("深圳清流水务科技有限公司", "Shenzhen Clearflow Water Technology Co., Ltd.", "enterprise", "longgang", "medium"),
    ("深圳绿筑建材科技有限公司", "Shenzhen Lvzhu Building Materials Technology Co., Ltd.", "enterprise", "baoan", "small"),
    ("深圳光伏建筑一体化有限公司", "Shenzhen Building-Integrated Photovoltaics Co., Ltd.", "enterprise", "guangming", "medium"),
    ("深圳邻里通社区科技有限公司", "Shenzhen Neighbourly Community Technology Co., Ltd.", "enterprise", "longhua", "small"),
    ("深圳云课堂教育科技有限公司", "Shenzhen Cloud Classroom Education Technology Co., Ltd.", "enterprise", "nanshan", "medium"),
    ("深圳数字非遗文化科技有限公司", "Shenzhen Digital Heritage Culture Technology Co., Ltd.", "enterprise", "luohu", "micro"),
    ("深圳蓝海淡化装备有限公司", "Shenzhen Blue Sea Desalination Equipment Co., Ltd.", "enterprise", "yantian", "medium"),
    ("深圳药安溯源科技有限公司", "Shenzhen Drug Safety Traceability Technology Co., Ltd.", "enterprise", "longhua", "small"),
    ("深圳快检生物试剂有限公司", "Shenzhen Rapid Test Reagents Co., Ltd.", "enterprise", "guangming", "small"),
    ("深圳智行交通信息有限公司", "Shenzhen Smart Mobility Information Co., Ltd.", "enterprise", "futian", "large"),
    ("深圳安居智能家居有限公司", "Shenzhen Anju Smart Home Co., Ltd.", "enterprise", "baoan", "medium"),
    ("深圳天眼灾害预警科技有限公司", "Shenzhen Skywatch Disaster Warning Technology Co., Ltd.", "enterprise", "longgang", "small"),
    ("深圳鹏程应急装备有限公司", "Shenzhen Pengcheng Emergency Equipment Co., Ltd.", "enterprise", "pingshan", "medium"),
    ("深圳市民生科技促进会", "Shenzhen Livelihood S&T Promotion Association", "other", "futian", "na"),
    ("深圳市阳光运动科技协会", "Shenzhen Sunshine Sports Technology Association", "other", "nanshan", "na"),
]

# Organisations that registered but are not verified yet (an officer verifies them in the demo).
PENDING = [
    ("深圳新芽健康科技有限公司", "Shenzhen Sprout Health Technology Co., Ltd.", "enterprise", "longhua", "micro"),
    ("深圳海韵环保科技有限公司", "Shenzhen Haiyun Environmental Technology Co., Ltd.", "enterprise", "yantian", "small"),
    ("深圳星火教育服务有限公司", "Shenzhen Spark Education Services Co., Ltd.", "enterprise", "guangming", "micro"),
]

# Registrar code of the unified social credit code by organisation type (GB 32100).
REGISTRAR = {
    "enterprise": "91", "service": "91", "university": "12", "institute": "12",
    "hospital": "12", "public": "12", "other": "51",
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞晨宇浩然思远欣怡子涵嘉怡志强建国海燕文博晓东雨婷俊杰"

# Expertise keywords per domain, drawn from the focus directions of M06–M15.
EXPERTISE = {
    "D01": ["慢性病管理", "妇幼保健", "急救医学", "康复护理", "中医药", "电子病历", "区域医疗信息平台",
            "基因检测", "遗传病筛查", "智能健身器材", "公共卫生", "远程医疗"],
    "D02": ["污水处理", "中水回用", "建筑垃圾资源化", "生活垃圾处理", "节能设备", "新能源", "碳捕集与封存",
            "清洁生产", "LED照明", "低碳材料"],
    "D03": ["围护结构隔热", "建筑遮阳", "自然通风", "立体绿化", "雨水利用", "透水路面", "轻钢结构",
            "绿色建材", "光伏建筑一体化", "绿色施工"],
    "D04": ["社区综合服务平台", "网格化管理", "政务信息共享", "民生大数据", "智慧社区"],
    "D05": ["教育云", "在线教育", "智能辅导", "学习分析", "课外测评"],
    "D06": ["数字博物馆", "非物质文化遗产数字化", "文化科技融合", "公共文化服务平台", "虚拟现实展示"],
    "D07": ["近岸海域污染防治", "溢油应急", "赤潮预警", "风暴潮监测", "海水淡化", "海洋装备", "海藻生物能源",
            "海上风电"],
    "D08": ["药品电子监管", "追溯编码", "快速检测", "农药残留检测", "食品安全风险评估"],
    "D09": ["智能交通信号控制", "交通导航", "停车诱导", "电子缴费", "数字家庭安防", "公共安全预警"],
    "D10": ["灾情预测预警", "应急救援装备", "应急指挥系统", "地质灾害监测", "城市内涝预警"],
}

POSITIONS = ["首席科学家", "教授", "研究员", "副研究员", "主任医师", "副主任医师", "高级工程师", "工程师",
             "技术总监", "项目经理", "博士后", "讲师"]

# (Chinese name, English name, kind, level, domain code, host index into ORGANISATIONS, approved year)
CARRIERS = [
    ("深圳市慢性病数字化管理工程实验室", "Shenzhen Engineering Lab for Digital Chronic Disease Management",
     "engineering_lab", "municipal", "D01", 25, 2015),
    ("广东省基因早筛重点实验室", "Guangdong Key Lab of Early Genetic Screening", "key_lab", "provincial", "D01", 26, 2018),
    ("国家区域医疗信息共享工程研究中心（深圳分中心）",
     "National Engineering Research Centre for Regional Health Information Sharing (Shenzhen)",
     "engineering_centre", "national", "D01", 0, 2014),
    ("深圳市城市水环境治理工程技术研究中心", "Shenzhen Urban Water Environment Engineering Research Centre",
     "engineering_centre", "municipal", "D02", 27, 2016),
    ("鹏城碳捕集与封存重点实验室", "Pengcheng Key Lab of Carbon Capture and Storage", "key_lab", "municipal", "D02", 5, 2019),
    ("深圳市绿色建材企业技术中心", "Shenzhen Green Building Materials Enterprise Technology Centre",
     "enterprise_centre", "municipal", "D03", 28, 2017),
    ("广东省建筑节能工程技术研究中心", "Guangdong Building Energy Efficiency Engineering Research Centre",
     "engineering_centre", "provincial", "D03", 6, 2013),
    ("深圳市智慧社区工程实验室", "Shenzhen Smart Community Engineering Lab", "engineering_lab", "municipal", "D04", 30, 2020),
    ("深圳市教育大数据重点实验室", "Shenzhen Key Lab of Education Big Data", "key_lab", "municipal", "D05", 2, 2018),
    ("深圳市文化科技融合示范基地", "Shenzhen Culture–Technology Demonstration Base", "enterprise_centre", "municipal",
     "D06", 32, 2016),
    ("国家海洋环境监测深圳实验站", "National Marine Environment Monitoring Station (Shenzhen)", "infrastructure",
     "national", "D07", 7, 2012),
    ("深港海洋生态联合实验室", "Shenzhen–Hong Kong Joint Lab of Marine Ecology", "joint_lab", "municipal", "D07", 3, 2021),
    ("深圳市海水淡化装备工程技术研究中心", "Shenzhen Desalination Equipment Engineering Research Centre",
     "engineering_centre", "municipal", "D07", 33, 2019),
    ("广东省食品快速检测重点实验室", "Guangdong Key Lab of Rapid Food Testing", "key_lab", "provincial", "D08", 8, 2017),
    ("深圳市药品追溯工程实验室", "Shenzhen Engineering Lab for Drug Traceability", "engineering_lab", "municipal",
     "D08", 34, 2018),
    ("深圳市智能交通工程技术研究中心", "Shenzhen Intelligent Transport Engineering Research Centre",
     "engineering_centre", "municipal", "D09", 36, 2015),
    ("深圳市城市公共安全技术研究院", "Shenzhen Institute of Urban Public Safety Technology", "public_institute",
     "municipal", "D09", 15, 2013),
    ("国家应急救援装备深圳基地", "National Emergency Rescue Equipment Base (Shenzhen)", "infrastructure", "national",
     "D10", 39, 2016),
    ("深港健康科技联合实验室", "Shenzhen–Hong Kong Joint Lab of Health Technology", "joint_lab", "provincial", "D01",
     4, 2020),
    ("深圳市灾害预警企业技术中心", "Shenzhen Disaster Warning Enterprise Technology Centre", "enterprise_centre",
     "municipal", "D10", 38, 2021),
]

# (host index, service, level, domain codes, description)
SERVICE_INSTITUTIONS = [
    (19, "trading", "provincial", ["D01", "D02", "D08"], "民生科技成果挂牌交易、技术合同登记与评估"),
    (20, "ip", "municipal", ["D01", "D08"], "专利导航、知识产权预警与维权援助"),
    (21, "venture", "municipal", ["D01", "D02", "D05"], "民生科技早期项目股权投资"),
    (22, "incubator", "municipal", ["D01"], "生物医药企业孵化与中试服务"),
    (23, "transfer", "municipal", ["D01", "D02", "D03", "D07"], "高校院所成果转移转化与概念验证"),
]

# (Chinese name, English name, kind, host index, domain code, contact)
FACILITIES = [
    ("高通量基因测序平台", "High-throughput genome sequencing platform", "platform", 4, "D01", "平台办公室 0755-86000001"),
    ("区域健康档案开放数据库", "Regional health-record open database", "database", 14, "D01", "数据服务窗口 0755-86000002"),
    ("水质在线监测中试基地", "Online water-quality monitoring pilot site", "site", 5, "D02", "中试基地 0755-86000003"),
    ("建筑材料燃烧性能检测装置", "Building-material fire-performance test rig", "instrument", 6, "D03",
     "检测中心 0755-86000004"),
    ("海洋环境综合观测浮标阵列", "Marine environment observation buoy array", "instrument", 7, "D07",
     "观测站 0755-86000005"),
    ("液相色谱-质谱联用仪", "Liquid chromatography–mass spectrometer", "instrument", 8, "D08", "仪器共享 0755-86000006"),
    ("城市交通仿真实验平台", "Urban traffic simulation platform", "platform", 1, "D09", "实验室 0755-86000007"),
    ("应急救援装备试验场", "Emergency rescue equipment test ground", "site", 39, "D10", "试验场 0755-86000008"),
    ("数字文化内容制作平台", "Digital culture content production platform", "platform", 18, "D06",
     "制作中心 0755-86000009"),
    ("教育资源共享云平台", "Shared education-resource cloud", "platform", 16, "D05", "运维中心 0755-86000010"),
]

# (Chinese name, English name, region, country, kind, partner org indices, description)
PARTNERS = [
    ("香港理工健康研究中心", "Hong Kong Polytechnic Health Research Centre", "HK", "", "institute", [0, 4],
     "深港联合开展慢性病与康复技术研究"),
    ("香港海洋科学大学", "Hong Kong University of Marine Science", "HK", "", "university", [3, 7],
     "海洋生态修复与赤潮预警合作"),
    ("香港智慧城市研究所", "Hong Kong Smart City Institute", "HK", "", "institute", [36, 30], "智能交通与智慧社区合作"),
    ("澳门中医药科技研究院", "Macao Institute of Chinese Medicine Technology", "MO", "", "institute", [10],
     "中医药适宜技术联合研发"),
    ("澳门环境科技有限公司", "Macao Environmental Technology Ltd.", "MO", "", "enterprise", [27], "污水处理技术合作"),
    ("台湾精准医学研究所", "Taiwan Institute of Precision Medicine", "TW", "", "institute", [26], "基因检测技术交流"),
    ("新加坡城市水务研究院", "Singapore Urban Water Institute", "abroad", "新加坡", "institute", [27, 5], "城市水循环与中水回用"),
    ("德国被动式建筑研究所", "German Passive Building Institute", "abroad", "德国", "institute", [6, 28], "被动式建筑与建筑节能"),
    ("荷兰三角洲防灾研究中心", "Dutch Delta Disaster Prevention Centre", "abroad", "荷兰", "institute", [38],
     "城市内涝与风暴潮预警"),
    ("英国数字教育大学联盟", "UK Digital Education University Alliance", "abroad", "英国", "university", [2, 31],
     "在线教育与学习分析"),
]
