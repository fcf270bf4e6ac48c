"""Demo livelihood problems (M05): about forty reports across the ten domains and the districts, from the public
and from the health department, in every triage state the first stage can reach: received, accepted (some
tagged with a domain on acceptance), merged into an earlier report of the same need, and not taken up with a
reason. Turning problems into call topics is left to the calls part, which creates the draft calls. One submitter
has had their contact details erased on request.

Every report and decision goes through problems/services.py, so the audit trail, public steps and tracking codes
are what the platform itself would have written; the dates are then spread over the last four months.
"""

import datetime
import random

from django.contrib.auth import get_user_model

from minsheng.core import clock
from minsheng.core.services import erase_personal_data
from minsheng.demo.builder import SEED
from minsheng.problems import services as problems
from minsheng.problems.models import Problem, ProblemStep

# (domain, district, title, description, who is affected, contact e-mail or "", from the department, decision)
# decision: "" received · "accept" · "accept:D0x" accepted and tagged · "merge:<n>" merged into row n ·
# "reject:<reason>"
ROWS = [
    ("D01", "futian", "独居老人慢病用药无人提醒",
     "辖区内很多独居老人同时患有高血压和糖尿病，经常忘记吃药或重复吃药，社区医生人手不够，无法逐户上门"
     "提醒。希望有低成本的智能药盒或电话提醒服务，并能把用药情况同步给家庭医生。",
     "独居老人、家庭医生", "zhang.li@demo.minsheng.cn", False,
     "accept"),
    ("D01", "luohu", "老年人忘记服药导致血压控制差",
     "我父亲八十岁独居，有高血压，经常忘记按时吃药，血压忽高忽低。能不能有智能提醒药盒，吃没吃药子女和"
     "社区医生都能看到？",
     "独居老人及其子女", "", False,
     "merge:0"),
    ("D01", "longgang", "社区康复训练设备缺乏",
     "中风后回家的患者需要长期康复训练，但社区康复站设备少、康复师更少，很多人只能在家里自己练，效果差"
     "还容易受伤。希望有适合家庭和社区使用的智能康复设备和远程指导。",
     "中风康复期患者", "rehab.family@demo.minsheng.cn", False,
     "accept"),
    ("D01", "baoan", "儿童近视防控缺少日常监测手段",
     "孩子近视越来越早，学校一年只查一次视力，家长平时不知道孩子用眼情况。希望有能在家或学校日常监测用"
     "眼距离、用眼时长的工具。",
     "中小学生及家长", "", False,
     "accept:D05"),
    ("D01", "nanshan", "基层医院急救响应慢",
     "郊区发生心脏骤停时救护车到达时间长，周边群众不会使用AED，也不知道最近的AED在哪里。希望建立"
     "AED地图和志愿者急救呼叫系统。",
     "心脏骤停患者、社区居民", "", True,
     "accept"),
    ("D01", "pingshan", "新生儿遗传病筛查覆盖不全",
     "部分外来务工家庭不了解新生儿遗传代谢病筛查，错过最佳筛查时间。希望有更便捷、费用更低的早筛技术和"
     "随访提醒。",
     "新生儿家庭", "", True,
     "accept"),
    ("D01", "longhua", "中医馆诊疗数据无法共享",
     "社区中医馆的病历都是纸质的，病人换一家医馆就要重新讲病史，医生也看不到以前的方子。希望有适合中医"
     "的电子病历和区域共享平台。",
     "中医就诊患者、中医师", "tcm.patient@demo.minsheng.cn", False,
     ""),
    ("D01", "futian", "居家老人跌倒后无人发现",
     "老人在家摔倒后往往几个小时才被发现，错过救治。希望有不侵犯隐私的跌倒自动检测和报警装置。",
     "居家老人", "", False,
     ""),
    ("D02", "longgang", "城中村污水直排河道",
     "龙岗某城中村生活污水直接排入小河，夏天臭味很重，蚊虫多。希望有适合城中村的小型分散式污水处理设备"
     "。",
     "沿河居民", "river.watch@demo.minsheng.cn", False,
     "accept"),
    ("D02", "baoan", "小区垃圾分类后厨余垃圾发臭",
     "小区厨余垃圾桶清运不及时，夏天发臭招苍蝇。希望有就地处理厨余垃圾的小型设备，减少臭味和清运次数。",
     "小区居民、物业", "", False,
     "accept"),
    ("D02", "baoan", "厨余垃圾桶臭味大清运慢",
     "我们小区的厨余垃圾桶每天只清运一次，天热时臭气熏天，能不能在小区里就把厨余垃圾处理掉？",
     "小区居民", "", False,
     "merge:9"),
    ("D02", "guangming", "工业园区周边夜间异味",
     "光明某工业园区附近居民反映夜间经常闻到刺鼻异味，投诉后查不到来源。希望有能实时监测和溯源异味气体"
     "的传感网络。",
     "园区周边居民", "", False,
     "accept:D02"),
    ("D02", "nanshan", "电动自行车电池回收无门",
     "家里换下来的电动自行车旧电池不知道交到哪里，随便丢弃又担心污染和起火。希望建立方便的回收渠道和电"
     "池健康检测。",
     "电动自行车用户", "", False,
     ""),
    ("D03", "luohu", "老旧小区外墙渗水",
     "罗湖上世纪九十年代建成的小区外墙经常渗水，室内墙面发霉，维修成本高。希望有便宜耐用的外墙防水和保"
     "温改造技术。",
     "老旧小区住户", "old.estate@demo.minsheng.cn", False,
     "accept"),
    ("D03", "futian", "夏季顶楼住户室内过热",
     "顶层住户夏天室内温度比其他楼层高好几度，空调费很高。希望推广屋顶绿化或隔热材料，降低顶楼温度。",
     "顶层住户", "", False,
     "accept"),
    ("D03", "longhua", "工地建筑垃圾乱倒",
     "附近工地晚上偷偷往空地倾倒建筑垃圾，尘土飞扬。希望有建筑垃圾全程监管和就地再生利用的办法。",
     "工地周边居民", "", False,
     ""),
    ("D03", "luohu", "旧楼外墙防水保温改造",
     "老楼墙体渗水发霉，希望政府支持外墙防水保温一体化改造，材料要便宜、施工要快。",
     "老旧小区住户", "", False,
     "merge:13"),
    ("D04", "longhua", "社区办事要跑多个窗口",
     "在社区办居住证明、老年证等要分别跑好几个窗口，材料重复提交。希望有一网通办的社区综合服务平台。",
     "社区居民", "", False,
     "accept"),
    ("D04", "futian", "出租屋消防隐患排查靠人工",
     "城中村出租屋多，网格员人工排查消防隐患效率低，经常漏查。希望有智能巡查和隐患上报系统。",
     "出租屋租户、网格员", "", False,
     "accept:D09"),
    ("D04", "yantian", "小区物业费太高",
     "我们小区物业费每平方米要八元，服务却很一般，希望政府管一管。",
     "小区业主", "", False,
     "reject:物业收费问题属于住房建设部门和街道的物业管理职责，不属于民生科技项目支持的范围。我"
     "们已把您的意见转给相关部门。"),
    ("D04", "longgang", "外来人口子女入学信息不透明",
     "外来务工人员不清楚子女入学需要哪些材料和积分，信息分散在多个网站。希望有统一的查询和预审服务。",
     "外来务工家庭", "", False,
     ""),
    ("D05", "nanshan", "课后托管缺少优质课程资源",
     "学校课后托管多是看作业，缺少科学、艺术等优质课程。希望有共享的在线课程资源和智能辅导。",
     "中小学生、家长", "parent.nanshan@demo.minsheng.cn", False,
     "accept"),
    ("D05", "pingshan", "偏远学校缺少实验教学条件",
     "坪山部分学校实验室设备老旧，很多物理化学实验只能看视频。希望有虚拟仿真实验或共享实验室。",
     "中学生、教师", "", False,
     "accept"),
    ("D05", "futian", "作业批改占用教师大量时间",
     "老师每天批改作业要花很多时间，没有精力做个性化辅导。希望有能自动批改并分析学情的工具。",
     "中小学教师", "", False,
     ""),
    ("D05", "baoan", "希望学校多放假",
     "孩子学习太累了，希望学校多放几天假。",
     "学生", "", False,
     "reject:学校作息安排属于教育部门的管理事项，不是需要科技攻关解决的问题，因此不纳入项目指南"
     "。"),
    ("D06", "luohu", "非遗技艺缺少年轻传承人",
     "很多传统手工艺只有老师傅会，年轻人不了解。希望用数字化手段记录和展示非遗技艺，让更多人学习。",
     "非遗传承人、青少年", "", False,
     "accept"),
    ("D06", "dapeng", "社区文化活动信息获取难",
     "大鹏的社区文化活动很多，但居民不知道什么时候在哪里举办，参与的人很少。希望有数字化的公共文化服务"
     "平台。",
     "社区居民", "", False,
     ""),
    ("D07", "dapeng", "海滩垃圾和海漂垃圾多",
     "大鹏海滩经常有大量海漂垃圾，人工清理跟不上。希望有海漂垃圾监测预警和高效清理设备。",
     "沿海居民、游客", "beach.clean@demo.minsheng.cn", False,
     "accept"),
    ("D07", "yantian", "近海赤潮影响养殖户",
     "盐田近海偶尔发生赤潮，养殖户损失很大，往往发现时已经来不及。希望有赤潮早期预警服务。",
     "海水养殖户", "", False,
     "accept:D07"),
    ("D07", "nanshan", "海边游泳区水质不清楚",
     "周末去海边游泳，不知道当天水质能不能下水。希望实时公布海水浴场水质。",
     "游泳市民", "", False,
     ""),
    ("D08", "guangming", "农贸市场蔬菜农药残留担忧",
     "农贸市场的蔬菜有没有农药残留，普通市民没有办法判断。希望有便宜快速的农残检测卡或检测点。",
     "市民、农贸市场商户", "", True,
     "accept"),
    ("D08", "longhua", "网购药品真假难辨",
     "在网上买药担心买到假药，药盒上的追溯码也不知道怎么查。希望有一键扫码查药品来源的服务。",
     "网购药品的市民", "", True,
     "accept"),
    ("D08", "futian", "学校食堂食材来源不透明",
     "家长不知道学校食堂的食材从哪里来、有没有检测。希望食材采购和检测信息可以追溯和公开。",
     "学生家长", "", False,
     ""),
    ("D08", "guangming", "菜市场蔬菜农残快速检测",
     "希望菜市场能提供免费的农药残留快速检测，买菜时心里有底。",
     "市民", "", False,
     "merge:30"),
    ("D09", "futian", "学校周边上下学交通拥堵",
     "上下学时段学校门口家长车辆乱停，交通严重拥堵，孩子过马路不安全。希望有智能信号灯和接送车辆引导。",
     "学生、家长、司机", "traffic.parent@demo.minsheng.cn", False,
     "accept"),
    ("D09", "nanshan", "医院周边停车难",
     "去医院看病经常找不到停车位，在路上排长队。希望有实时停车位信息和预约停车。",
     "就医市民", "", False,
     "accept"),
    ("D09", "luohu", "电动自行车进电梯引发火灾隐患",
     "有人把电动自行车推进电梯带回家充电，存在火灾隐患。希望有电梯自动识别电动自行车并阻止的装置。",
     "高层住宅居民", "", False,
     ""),
    ("D09", "longgang", "老人过马路绿灯时间太短",
     "某路口行人绿灯时间太短，老人和残疾人走到一半就变红灯。希望信号灯能根据行人情况自动延长。",
     "老人、残疾人", "", False,
     "accept:D09"),
    ("D10", "longgang", "台风暴雨时低洼路段积水预警不及时",
     "每次暴雨，龙岗一些低洼路段积水很深，车辆被困。希望有积水实时监测和导航预警。",
     "司机、行人", "", False,
     "accept"),
    ("D10", "pingshan", "山体滑坡隐患点监测不足",
     "坪山一些边坡在雨季有滑坡风险，附近有居民楼。希望对隐患点进行自动监测和预警。",
     "边坡附近居民", "", False,
     "accept"),
    ("D10", "baoan", "应急避难场所找不到",
     "发生灾害时不知道最近的应急避难场所在哪里，也不知道能容纳多少人。希望有应急避难场所导航。",
     "社区居民", "", False,
     ""),
    ("D10", "dapeng", "想要一个台风天的天气预报App",
     "希望政府开发一个专门看台风的App。",
     "市民", "", False,
     "reject:台风路径和预警已由气象部门的官方渠道发布，现有服务可以满足需要，暂不作为新的科技项"
     "目。感谢您的建议。"),
]

STEPS = len(ROWS)
DAYS_BACK = 120
# The submitter of this report asked for their contact details to be erased (PIPL); the administrator did so.
ERASED_ON_REQUEST = "社区康复训练设备缺乏"


def _officer():
    return get_user_model().objects.get(username="officer")


def _department_officer():
    return get_user_model().objects.get(username="dept_health")


def build(builder) -> None:
    rng = random.Random(SEED + 5)
    officer, department_officer = _officer(), _department_officer()
    administrator = get_user_model().objects.get(username="admin")
    made: list[Problem] = []
    for index, (domain, district, title, description, affected, email, from_department, decision) in \
            enumerate(ROWS):
        builder.progress(1)
        existing = Problem.objects.filter(title=title).first()
        if existing is not None:
            made.append(existing)
            continue
        values = {"title": title, "description": description, "affected": affected,
                  "domain": builder.domains[domain] if rng.random() < 0.8 or from_department else None,
                  "district": builder.districts[district], "contact_email": email,
                  "contact_name": rng.choice(["张先生", "李女士", "王老师", "陈阿姨", "刘先生", ""]) if email else ""}
        problem = problems.submit_problem(by=department_officer if from_department else None, values=values,
                                          rng=rng)
        builder.created += 1
        if decision.startswith("accept"):
            tag = decision.partition(":")[2] or domain
            problems.accept_problem(problem=problem, by=officer, domain=builder.domains[tag],
                                    note=rng.choice(["", "我们将在明年的项目指南编制中研究这一需求。"]))
        elif decision.startswith("merge:"):
            problems.merge_problem(problem=problem, into=made[int(decision[6:])], by=officer)
        elif decision.startswith("reject:"):
            problems.reject_problem(problem=problem, by=officer, reason=decision[7:])
        _spread(problem, index, rng)
        if title == ERASED_ON_REQUEST:
            erase_personal_data(problem, by=administrator, reason="提交人来电要求删除联系方式（电话登记）")
        made.append(problem)


def _spread(problem: Problem, index: int, rng: random.Random) -> None:
    """Backdate the report and its steps, in order: reports over four months, decisions days after them."""
    received = clock.now() - datetime.timedelta(days=DAYS_BACK - index * DAYS_BACK // STEPS,
                                                   hours=rng.randint(0, 20))
    Problem.objects.filter(pk=problem.pk).update(created_at=received)
    for offset, step in enumerate(problem.steps.order_by("pk")):
        ProblemStep.objects.filter(pk=step.pk).update(at=received + datetime.timedelta(days=offset * rng.randint(2, 9)))
