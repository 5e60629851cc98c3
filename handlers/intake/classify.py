"""Is a chat message a report, and of what kind of incident?

Private helper of the intake parser. Two questions, answered with word lists:

* Vetoes first: drills, tests, forecasts, meetings, notices to units, thanks and
  questions are chatter however alarming their words (明天下午3点消防演练).
* Then the incident type: the first family in `_TYPE_ORDER` with a hit wins. The
  order encodes which hazard drives the response when a message names several:
  a mine flooding is `mine`, a crash that spills acid is `hazmat`, a house that
  falls in an earthquake is `earthquake`, a sinking boat is `water_rescue` even
  though it "collided", a street under water with people stuck is `flood`.

Patterns run on normalised, ASCII-lowercased text (full-width folded, common
typos fixed): matching lowercase without re.IGNORECASE is several times faster.
"""
from __future__ import annotations

import datetime
import re

from handlers.intake import fastre
from handlers.intake.boat_words import ZH_REGISTRATION

# --- vetoes -------------------------------------------------------------------------

# Openings that mark chatter: tests, notices, thanks, plans for later.
_CHATTER_OPENING = re.compile(
    r"\W*(?:关于.{0,40}(?:通知|决定|意见|方案|报告)|转发|转自|转载|转[:：]|测试|试一下|通知|提醒|温馨提示|公告|谢谢|感谢|多谢|辛苦|明天|明早|明晚|后天|下周|下个月|"
    r"(?:test(?:ing)?|notice|fyi|thanks|thank you|cheers|tomorrow|next (?:week|month))\b|"
    # a quarter's or a fleet's figures under their heading (Q3 fleet report: 2 minor crashes, 0 injuries)
    r"(?:q[1-4] (?:[a-z]+ )?|fleet )(?:summary|stats|report|figures|numbers)\W*[:：-])",
)
# A forward whose first line is only its source (a town, an office, a group) and whose report
# follows on the next lines: relayed inside the county, read like the report itself.
_RELAYED = re.compile(
    r"\W*(?:【转发】|转发|转自|转)[:：]?\s*[^\n，,。]{0,16}(?:镇|乡|街道|管理区|村|办|应急|所|队|站|中心|群|网格)[^\n，,。]{0,8}[:：]?\s*\n"
)
# A forward with no source line: news from afar as often as a neighbour's report relayed
# (转发：港西镇盛家村一处老房子后墙倒了 老两口联系不上), so one naming a hazard goes to a person.
_FORWARD = re.compile(r"\W*(?:【转发】|转发|转自|转载|转)[:：]")
# A unit's notice header (镇卫生院提醒：, 物业通知：, 交警提示：): chatter like a bare 通知：.
_UNIT_NOTICE = re.compile(r"\W*[^，,。：:\s\n]{1,10}(?<!紧急)(?:提醒|温馨提示|提示|通知|公告|倡议)[:：]")
# Anywhere in the message: drills, forecasts, meetings, notices, statistics, thanks.
# Two lists, so that English text is not searched for Chinese words and back.
# 船晃得我要吐死了, 我快笑死了: chatter, but ambient (it gives way to stated casualties: 我快热死了
# 有人中暑晕倒了). Not 冻, 饿, 渴: 我快冻死了 from someone stranded on a hill is a cry for help.
_FIRST_PERSON_HYPERBOLE = r"(?:我|俺)(?:都|真)?(?:要|快)(?:被)?(?:吐|累|热|笑|困|烦|气|吓|撑|晒)死了"
# Idioms of a busy office: 报表火烧眉毛了, 科室里几个人都快塌了.
_OFFICE_IDIOMS = r"火烧眉毛|(?:人|大家|我们|俺们)(?:都)?快(?:要)?(?:塌|散架)了"
# Raving about food, shows and games, where 救命 is an exclamation (【救命】这个卤肉饭太好吃了吧,
# 救命啊这操作, 辣死了救命): chatter, but ambient, for a report may carry an exclamation too.
_RAVING = r"太(?:好吃|好看|好笑|好听|上头|可爱)了|这操作|追剧|这(?:个|部)剧|哭死|辣死|吃播|芭比q|(?:嗓子|嗓子眼|喉咙|心里|眼里|肚子里)(?:都|直)?冒火"
# Somewhere else: abroad, or another province named with what makes it one (甘肃临夏州, 河南某地;
# not 河南路).
# (not as a nationality before a person or a business: 一个越南工人, 韩国老人倒下了, 韩国服装厂 are here)
_ABROAD_ZH = (r"(?:日本|韩国|土耳其|印尼|印度尼西亚|菲律宾|尼泊尔|意大利|美国|墨西哥|智利|缅甸|越南|泰国)"
              r"(?!\s?(?:人|籍|工人|老人|游客|学生|留学生|客人|小孩|孩子|朋友|老板|员工|船员|厨师|女|男|老太太|大爷|大妈|职员|同事|邻居"
              # …nor a business here run by them (韩国服装厂, 韩国烤肉店, 日本料理店)
              r"|[\u4e00-\u9fff]{0,4}(?:厂|公司|企业|餐厅|饭店|店|超市|工业园|园区|学校|宿舍|料理)))")
_OTHER_PROVINCE_ZH = (
    r"(?:甘肃|河南|河北|江苏|浙江|安徽|福建|江西|湖北|湖南|广东|广西|海南|四川|贵州|云南|陕西|山西|青海|宁夏|新疆|西藏|"
    r"内蒙古?|辽宁|吉林|黑龙江|重庆)(?:省|某地|某|[\u4e00-\u9fff]{1,3}(?:市|州|地区))"
)
_NEWS_FROM_AFAR = re.compile(_FORWARD.pattern + rf"\s*(?:{_ABROAD_ZH}|{_OTHER_PROVINCE_ZH})")

# An inspection that found nothing (暂未发现泄漏, 未检测到有毒气体, no sign of a leak): an all-clear.
_FOUND_NOTHING = fastre.compile(
    r"(?:暂未|尚未|并未|未|没|没有)(?:发现|检测到|检出|见到?)[^，,。；;]{0,6}(?:泄漏|漏气|漏点|明火|烟|火情|火点|异常|险情|渗漏|有毒|气体|积水)|"
    r"\bno (?:signs?|trace|evidence) of\b|\bnothing (?:found|detected)\b|\bno (?:leak|fire|smoke|gas)s? (?:found|detected|seen)\b"
)
# Safety education's words: a tip on what to do in a fire or at the water (chatter anywhere in a
# message, certain when it heads one: see tip_heading).
_SAFETY_TIP_ZH = r"安全(?:知识|常识|小贴士)|急救(?:知识|常识|小贴士)|防(?:火|溺水|汛|震|诈骗?)(?:安全)?(?:知识|常识|小贴士)|科普|小贴士"
# A call found to be nothing, a search or a call-out over, a fault put right, the gear checked
# (到场核实…无火情, 搜救结束, 敲门无人应答，已回撤, 可以正常做饭, 器材检查), and a vaccination notice
# (到村卫生室打流感疫苗; not where to get a rabies jab after a bite): chatter, but ambient, for a
# report may carry them beside its casualties (both lists hold them).
_ALL_CLEAR_ZH = r"(?:找到了|已找到|找着了|已经找到)[^。]{0,20}(?:谢谢|感谢)|无火情|无险情|搜救结束|救援结束|处置完毕|处置结束|已回撤|(?:患者|病人|伤者)(?:已)?自行离开|取消派车|可以正常(?:做饭|使用|营业|上课|通行|生产)|已恢复正常|(?:器材|装备)(?:检查|点验|保养)|接种|(?<!狂犬)(?<!破伤风)疫苗|"
# An insurer's claim being settled (定损, 核价, 理赔), a mouth on fire from the hotpot: chatter, but
# ambient, for a report may carry them. (Not 报案号 or 出险时间: an adjuster who finds someone still
# held at a scene writes the case number first, and ambient words veto a report with no hazard word.)
_SHOP_TALK_ZH = (r"定损|核价|理赔|承保|人伤流程|拆检|"
                 r"(?:嘴|嘴巴|喉咙|舌头)[^，,。 ]{0,2}(?:着火|冒火|起火)|")
_CHATTER_ZH = fastre.compile(
    r"演练|演习|拉练|"                                                      # drills
    r"今年以来|年以来|同比|环比|共发生.{0,8}[0-9]+起|(?<![第0-9])[0-9]+起(?:火灾|事故|警情)|"  # statistics
    r"(?:火警|火灾|事故|警情|救援|险情|出警)[0-9]+起|(?:本周|本月|本年度?|全年|上半年|下半年|本季度|上周|上月|月度|年度|季度)[^。]{0,12}(?<![第0-9])[0-9]+起(?!火)|(?:今年|去年|全年|上半年|下半年|[一二三四]季度|前[两三]季度|今年以来)[^。]{0,16}(?:死|亡|伤)了?[0-9]+(?:个|人)|(?:月度|年度|季度|本周|本月)统计|(?:本周|本月|本年度?|全年|上半年|下半年|本季度|上周|上月)[^，,。]{0,6}(?:共|累计)|"
    r"请忽略|经核实(?:是|为)|(?:是|系)[^，,。 ]{0,6}(?:烧纸|烧荒|烧秸秆|烧麦秸|烧垃圾|烧树叶|做饭|烧烤|熏肉|放鞭炮|放烟花|放炮仗)[^。]{0,16}(?:没事|无事|已处理|不用|看着)|"
    rf"(?:网上|朋友圈|抖音|快手|群里)[^，,。 ]{{0,4}}发(?:视频|图片|照片)说|{_ABROAD_ZH}|"                                                              # tests
    r"预计.{0,12}(?:影响|登陆|来袭|到达|抵达|降雨|降水|强降|过境|出现)|预报|发布.{0,8}预警|预警信号|"
    r"将(?:于|在)?.{0,10}(?:影响|登陆|过境)|可能(?:出现|发生|引发|造成)|"
    r"会议(?!室|中心)|开会(?!的)|例会|总结会|调度会|视频会|召开|"                    # meetings
    r"接龙|表彰|名单|请(?!求).{0,6}(?:报一下|发一下|汇总|提交|报送)|"              # paperwork
    r"辛苦了"                                                               # thanks
    r"|无复燃|如果发生|假如发生|一旦发生|网传|谣言|假消息|不实消息|辟谣|看新闻|新闻里|谁有.{0,10}(?:电话|联系方式)"
    # rumours and hearsay asked about, false alarms, all-clear, videos and jokes, plans
    r"|网上说|网上传|朋友圈说|群里传|(?:朋友圈|网上|群里|抖音|视频号)(?:在|都在|有人)传|谣传|别信|不要信|不要相信|梦见|梦到|梦着|通缉令|悬赏通告|(?:等|听)(?:公司|单位|上级)?统一口径|梦见|梦到|真的假的|是真的吗|谁知道真假|不知真假|虚惊一场|误报|是误会|误会一场|清理完毕|彻底扑灭|(?<!是)不是(?:着火|火灾|失火)|(?:没|没有|未)(?:泄漏|漏气|着火)[^。]{0,12}放心|经核实(?:无|没有|不是|系)|"
    rf"{_ALL_CLEAR_ZH}{_SHOP_TALK_ZH}"
    r"一切正常|都正常|均正常|(?:探头|传感器|检测器|感烟器)(?:误报|故障)|(?:开心|高兴|美|乐|爽)死(?:我|人|俺)?了|视频里|的视频|这视频|那视频|笑死|哈哈|呵呵|推演|桌面演|"
    r"(?:出院|回家|脱离危险).{0,12}(?:谢谢|感谢|放心)|(?:都|均|人)?(?:没事|平安|无恙|无大碍|无碍)[^。]{0,8}(?:谢谢|感谢)|(?:有|发生了?|共)(?:[0-9]*[02-9]|[二两三四五六七八九十几][一二两三四五六七八九十几]*)起(?!火)|"
    r"(?:将于|拟于|定于)(?:明天|明日|今晚|后天|下周|[0-9一二三四五六七八九十]+[日号月])|"
    r"转(?:发)?给[^，,。 ]{0,4}(?:个)?群|不转的?[^，,。 ]{0,4}不平安|(?:明天|明日|后天)[^，,。]{0,6}停(?:水|电)|灭透了|交作业|ppt|请查看附件|见附件|引以为戒|警示教育|举一反三|(?:热|累|饿|困|冷|晒)得?(?:要|快)(?:中暑|死|晕|冻死|晒死)了|"
    # first-person hyperbole (船晃得我要吐死了, 我快笑死了), and "stop reporting it" (别再报了)
    rf"{_FIRST_PERSON_HYPERBOLE}|{_RAVING}|{_OFFICE_IDIOMS}|别再报了|不用再报了|不要再报了|"
    # mourning, crowds "exploding", fraud warnings, pennants of thanks, refunds, inventories, filming
    r"沉痛悼念|一路走好|悼念|(?:人|客流)?多到(?:爆炸|爆了)|谨防[^，,。]{0,6}诈骗|锦旗|原路退票|(?:装备|物资)清点|清点结果|"
    r"(?:其实|原来|只|就)是(?:在)?拍(?:短)?视频|"  # (not 我们在拍视频的时候 看见有人落水了)
    # a period's figures (11月份…共312人次, 本周全县报告手足口病46例, 较10月下降11%) and requests for supplies;
    # a month is a period only when no day follows it (12月7日…已有12例 is today's outbreak)
    r"(?:本周|本月|上月|上周|[0-9一二三四五六七八九十]{1,2}月(?:份|(?![0-9一二三四五六七八九十]{1,3}[日号]))|全年|今年|本年|本季度)"
    r"[^。]{0,20}(?<![0-9])[0-9]+(?:人次|例)|"
    r"较(?:上月|上周|去年|同期|[0-9一二三四五六七八九十]{1,2}月)[^，,。]{0,6}(?:下降|上升|增长|减少|增加)|申请(?:补充|领用|采购|调拨)\W{0,2}[：:]|"
    # owning up to a made-up story; filming, its blast an effect; a smoke or smell asked about and harmless
    r"(?:是我|我)瞎编的|是我编的|(?:其实|原来|只|就|那边|那是)(?:是)?(?:在)?拍(?:戏|电影|电视剧|短剧|网剧)|(?:爆炸|火|烟)(?:都)?是特效|"
    r"(?:问|查|搞|弄)(?:清楚|明白)了[^。！!]{0,30}(?:没事了|不是(?:泄漏|漏气|着火|起火|失火|火灾|爆炸))|"
    # an alarm explained and reset: 烟感报警是客人抽烟触发的，已复位 (not a dislocated shoulder 已复位)
    r"(?:报警|响)(?:是|系)[^，,。]{0,16}(?:触发|引起)的|(?:报警|烟感|探头|警报|报警器)[^。]{0,24}已(?:经)?复位|"
    # another province (甘肃临夏州, 河南某地; not 河南路)
    rf"{_OTHER_PROVINCE_ZH}|"
    # a period's tally (今年汛期全市共处置堤防险情17处); a live report's 现场共处置险情3处 is no tally
    r"(?:今年|本年|全年|汛期|入汛|本月|上月|本周|上周|上半年|下半年|以来)[^。]{0,12}共(?:处置|处理|出警|接警|排查|发现|记录到?|监测到)[^，,。]{0,10}[0-9]+(?:起|处|次)|[蓝黄橙红]色预警|寻(?:狗|猫)|(?:猫|狗|狗狗|猫咪|宠物)(?:丢了|走丢了|跑丢了|跑了|不见了)"
    # hyperbole and games: 快被作业压死了, 累死了, 队友全挂了; things (not people) dropped in water
    # news from other provinces and abroad, films and books, simulated scenarios, summaries, insurance
    r"|(?:杭州|广州|深圳|武汉|成都|北京|上海|天津|南京|西安|长沙|郑州|福州|厦门|重庆|甘肃|河南|河北|江苏|浙江|安徽|福建|江西|"
    r"湖北|湖南|广东|广西|海南|四川|贵州|云南|陕西|山西|青海|宁夏|新疆|西藏|内蒙古?|辽宁|吉林|黑龙江)(?:那边|那里|那儿)|看到\s?news|"
    r"外省|邻省|省外|外地(?:近期|最近|已|又)?(?:发生|出现)|国外|外国|某某?省|某国|隔壁县|邻县|外县|邻市(?!场)|隔壁市(?!场)|(?<!室)外市(?!场)|恢复得(?:挺|很|不错|还行)|恢复(?:得)?(?:挺|很)好|电影|电视剧|纪录片|小说里|模拟|总结|月报|周报|保险公司|理赔|"
    r"让不让人活|不让人活了|赔偿|保险(?:能|会|怎么)?赔|正常范围|"
    # work-injury claims asked about (算不算工伤, 打针的钱给不给报): a question about the rules
    r"算不算工伤|工伤(?:怎么|咋|上哪|去哪)(?:报|申请|认定|算)|给不给报|"
    # paperwork about an incident; places where accidents happen often (a complaint, not an event)
    r"(?:情况说明|评估报告|调查报告|总结报告|材料)[^，,。]{0,8}(?:写好|审阅|审核|修改|发你|发我|上传|交了)|请审阅|"
    r"(?:老|经常|总|常常|老是|总是)(?:是)?(?:出|发生)(?:车祸|事故|事)|"
    # smoke or a smell every night from a restaurant: a complaint, not a fire
    r"(?:每天|天天|每晚|经常|老是|总是)(?:晚上|早上|中午)?[^，,。]{0,8}(?:烟|油烟|味)\s?(?:很大|太大|呛)|"
    r"快(?:要)?被.{0,6}(?:累|烦|气|逼|折磨|压|吵|热|冻|晒|笑|撑)死|游戏里|打游戏|玩游戏|队友(?:全|都)?(?:挂|死|没)了|开黑|"
    r"(?:手机|钥匙|钱包|眼镜|耳机|帽子|鞋)[^，,。 ]{0,3}(?:掉|落)(?:进|到)?(?:水|河|海|湖|池)里|"
    # adverts (户外急救包团购 59元一套 需要的私聊我) and the news (看到新闻 台中一台机车…)
    r"团购|私聊我|需要的私聊|包邮|[0-9]+元一(?:套|盒|件|箱|瓶|份)|看到新闻|新(?:闻|聞)(?:说|說|话|話|报道|上说)|"
    # an incident dealt with and over (处置完毕, 已全部返回), a response ended, thanks for sharing
    # a search appeal. (Not "found safe" alone: an update that the missing were found moves the
    # incident's counts, and the corpus labels it a report.)
    r"处置完毕|(?:群众|人员|村民|居民)(?:已)?全部返回|(?:应急)?响应(?:已|正式)?终止|终止[^，,。 ]{0,4}响应|搜救(?:工作)?(?:已经?|已)(?:结束|完毕)|"
    r"(?:谢谢|感谢)(?:大家|各位)?(?:的)?(?:帮忙)?转发|"
    # a rumour denied (是假的, and 是假的吗 asked is chatter too; not 不是假的, a real one insisted on);
    # a public notice or a safety tip
    r"(?<![不没])是假的|关于[^。]{0,30}的(?:通告|公告)|安全提示|温馨提示|"
    # logs and checks (检测记录, AED月检, 均未超限), a hotline's callback, planned outages for
    # maintenance, a list of supplies wanted. (Not 运行正常: a report says so of what still works.)
    r"检测记录|巡检记录|点检记录|[月周]检[:：]|(?:均|都)未超(?:限|标)|回访[:：]|"
    r"(?:停水|停电|停气|停暖)(?:检修|维修)|计划停(?:水|电|气)|需要补充[:：]|物资(?:申请|需求)[:：]|"
    # safety education: what to do in a fire or at the water, not a fire or a drowning
    # (not the places named for it: 安全教育基地, 科普馆)
    rf"(?:安全教育|{_SAFETY_TIP_ZH})"
    r"(?!基地|中心|馆|展馆|园|体验|学校|大楼|楼)"
)
# Notices to units and deadlines: chatter as a rule, but an incident report may carry one
# ("…已做好转移准备", "请各单位注意") — with a hazard named, the centre decides (triage).
_NOTICE_ZH = fastre.compile(
    r"请.{0,6}(?:注意|做好)(?!.{0,4}(?:转移|撤离|疏散)准备).{0,4}(?:防范|防御|准备)|请各(?!.{0,8}协助(?:查找|寻找|搜寻))|各(?:单位|镇街|部门|乡镇|街道|队)[^，,。]{0,12}(?:前|务必|须|要)|"
    r"做好(?!.{0,4}(?:转移|撤离|疏散)准备).{0,6}(?:防范|准备|防御|工作)|咨询|我?(?:问|打听)一下|想(?:问|打听)|"
    r"报送(?!单位|人|时间|部门)|(?:上报|提交|报到).{0,8}前|建议.{0,6}(?:加装|增加|配备|安装|装|设置|修)|"
    # a day's tally to a cut-off, counted in visits (截至18时，今日入园约3.2万人次，医疗点处置11人次):
    # figures, but a person decides if a hazard is named with them (…一名游客晕倒，已送医)
    r"截至[0-9一二三四五六七八九十]{1,2}(?:时|点)[^。]{0,40}(?<![0-9])[0-9.]+万?人次"
)
_CHATTER_EN = fastre.compile(
    r"\bdrills?\b|\bexercise,? exercise\b|\b(?:casualty |rescue )?dumm(?:y|ies)\b|\bq\s*[:：]\s|\blessons learned\b|\bsafety summary\b|\bq[1-4] (?:summary|figures|stats|review)\b|"
    r"\b(?:planned|scheduled) (?:power )?(?:outage|shutdown|maintenance)\b|\bmock (?:rescues?|rip|drills?|exercises?|scenarios?|casualt(?:y|ies))\b|\b(?:for sale|wts|wtb)\b|\bselling (?:my|a|an|\d)|\b(?:fire|evacuation|emergency|rescue|joint|tabletop|lifeboat|coast ?guard|sar|search and rescue|"
    r"mass casualty|man overboard|disaster|tsunami|full[- ]scale) exercises?\b|"
    r"\bstatistics?\b|\bso far this year\b|\bplease ignore|\bjust a test\b|"
    # an all-clear ("gas company check, all ok. no need come"): ambient too
    r"\bno need (?:to )?come\b|\ball[- ]clear\b|\b(?:file|case) closed\b|"
    # slang and shop talk: "this sauce is really fire", "20% off"
    r"\b(?:is|was|looks|tastes|sounds) (?:really |so |straight |literally )?fire\b(?! (?:in|at|on|near)\b)|\b\d{1,2} ?% off\b|"
    r"\broot cause\b|\binvestigation (?:closed|report|completed?|findings)\b|"  # (root cause: ambient too)
    r"\bforecasts?\b|\bexpected to (?:hit|make landfall|affect|bring|reach|arrive)|"
    r"\bweather (?:bureau|service|office)\b|"
    r"\bwill (?:hit|make landfall|affect|bring)\b|"
    r"\b(?:weather|typhoon|storm|flood|rain|landslide|mudslide|geological|tsunami|fire|heat|wind|gale|cold|frost|"
    r"blizzard|snow|thunderstorm|hail|fog|tornado|hurricane|cyclone|wildfire|avalanche|ice) (?:warning|watch|alert)\b|"
    r"\b(?:warnings?|alerts?|watch(?:es)?) (?:issued|in effect|upgraded|lifted)\b|"
    r"\b(?:possible|possibly|likely|risk of|chance of)\b.{0,20}\b(?:flood\w*|rain\w*|storms?|landslides?|showers)|"
    r"\bmeetings?\b|\bbriefing\b|\bdebrief|\b(?:cluster|coordination) minutes\b|\bno further action\b|\bclosed the case\b|\bcase (?:is |now )?closed\b|"
    r"\breminder\b|\bplease (?:submit|send in|remember)\b|\bcircular\b|"
    r"\bnext (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\bgreat (?:job|work|teamwork)\b|\bwell done\b|"
    # news from elsewhere, films, scenarios, summaries, planned outages
    r"\b(?:another|other|neighbou?ring) (?:province|country|countries)\b|\babroad\b|\boverseas\b|"
    # another province or a far city named in English; a post seen on a Chinese app; condolences
    r"\bin (?:guangxi|guangdong|henan|hebei|jiangsu|zhejiang|anhui|fujian|jiangxi|hubei|hunan|hainan|sichuan|guizhou|"
    r"yunnan|shaanxi|shanxi|qinghai|ningxia|xinjiang|tibet|inner mongolia|liaoning|jilin|heilongjiang|gansu|chongqing|"
    r"beijing|shanghai|tianjin|hangzhou|guangzhou|shenzhen|wuhan|chengdu|nanjing|xi'?an|changsha|zhengzhou)\b|"
    r"\b(?:saw|seen|read|trending|going around|circulating)\b[^.!?]{0,12}\bon (?:weibo|douyin|kuaishou|xiaohongshu|bilibili)\b|\bpraying for (?:them|the|all|everyone|those)\b|"
    # a visitor's own country (in my country Vietnam…), the weather app's word, a request for a
    # document, a complaint
    r"\bin my (?:home )?(?:country|hometown|home town)\b|\bback home in\b|\bweather (?:say|says|said)\b|"
    r"\bsend (?:me|us) (?:the |an? )?(?:english |chinese )?(?:version|copy|file|document)\b|"
    r"\bi (?:want|would like|wish) (?:to )?complain\b|"
    r"\bin (?:japan|korea|turkey|indonesia|the philippines|nepal|italy|america|the us|the usa|mexico|chile|myanmar|vietnam|thailand|india|pakistan|iran|greece|taiwan)\b|"
    r"\b(?:movie|film|documentary|tv series|novel)\b|\bscenario\b|\bsimulat(?:ed|ion)\b|"
    r"\b(?:monthly|weekly|daily|annual|yearly|quarterly) (?:summary|stats|report|figures)\b|\bsummary:|"
    r"\b(?:alarm|incident|callout) summary\b|"
    # slang of a good day: the line is on fire today, the sunset was fire 🔥
    r"\bon fire today\b|\b(?:was|is) (?:straight |pure |literally )?fire\s*🔥|"
    r"\b(?:planned|scheduled) (?:power cuts?|outages?|maintenance|works?)\b|"
    r"\b(?:power cuts?|outages?|maintenance|works?) (?:is |are )?(?:planned|scheduled)\b"
    r"|\bscheduled (?:blasting|maintenance|works?|outages?|power cuts?|tests?|drills?|inspections?)\b|"
    # an alarm explained away: burnt toast, steam from a shower, someone smoking
    r"\b(?:alarms?|detectors?)\b[^.!?]{0,60}\b(?:it was|it's|turned out to be|caused by|just) (?:just |only )?"
    r"(?:(?:burnt|burned) (?:toast|food|popcorn)|steam|dust|cooking fumes|a candle|incense|someone smoking|a faulty (?:sensor|detector))\b|"
    # safety education: a toolbox talk, a tip, a briefing on what to do
    r"\bsafety (?:tips?|talks?|briefings?|moments?|messages?|reminders?)\b|\btoolbox talks?\b|\bstop,? drop,? (?:and|&) roll\b|"
    # a call cancelled or stood down, a shift handed over: the dispatch desk's own business
    r"\bcancel(?:led|ed)?\s*[:—–-]|\b(?:stood|stand|standing) down\b|\bshift handover\b|"
    r"\bno action (?:needed|required)\b|\bhaha\w*\b|\b(?:flooded|swamped|snowed) with\b|\bon fire this\b|"
    r"\b(?:stuck|trapped) in (?:traffic|a meeting|meetings)\b|\bcrashed on the (?:sofa|couch|bed)\b|"
    r"\b(?:server|computer|laptop|system|app|website|printer|phone)s? (?:has |have )?(?:crashed|is down|died|is dead)\b|\b(?:report|photos?|file|minutes) (?:attached|enclosed)\b|\blol\b|\blmao\b|"
    # slang, said of food or music (heard its fire 🔥); not "help its fire", which a visitor may mean
    r"\b(?:heard|tbh|ngl|lowkey|honestly|bro)\b[^.!?]{0,12}\b(?:it'?s|its) (?:straight |literally |pure )?fire\b|"
    r"\bfake\b|\brumou?rs?\b|\bignore it\b|\bnews\b|\bif (?:there is|an?) (?:earthquake|fire|flood)\b|"
    r"\b(?:test|drill|exercise|inspection) went\b|\bfwd?:|\bon (?:tv|the tv|television|the news|youtube|tiktok|facebook|instagram|twitter)\b|\bforwarded\b|\breposting\b|\bshared from\b|\bcontact (?:list|details|numbers)\b|"
    r"\b(?:my|our|the|a) (?:cat|dog|puppy|kitten|parrot|pet|tortoise|budgie)s?\b.{0,40}\b(?:missing|lost|ran off|run away)\b|"
    r"\b(?:missing|lost) (?:cat|dog|puppy|kitten|parrot|pet)s?\b|\bhas anyone seen my (?:cat|dog|puppy|kitten|parrot|pet)\b"
    # idioms and all-clears: drowning in emails, my career crashed, this song is fire, false alarm
    r"|\b(?:group chat|chat|inbox|timeline|feed|comments|dms|notifications) (?:is|are|was|were) (?:on fire|blowing up|exploding)\b"
    r"|\bdrowning in (?:e-?mails|work|paperwork|debt|homework|assignments|messages|calls|requests|tickets|bills|meetings|deadlines)\b|\b(?:career|marriage|market|stocks?|shares|prices?|sales)\s+(?:has |have |had )?(?:crashed|collapsed|tanked)\b|"
    r"\b(?:song|track|album|beat|outfit|look|game|this|that|pot|food|dish|meal|pizza|burger|noodles|party|show|concert|vibes?|fit|set) (?:is|was|looks|sounds|tastes) (?:straight )?fire\b|\b(?:car ?crash|train ?wreck|disaster|nightmare) of an? (?:day|morning|week|meeting|game|match|year)\b|(?<!not a )(?<!no )\bfalse alarm\b"
)
# Training and courses: chatter, unless someone was actually hurt ("collapsed during training").
_TRAINING = fastre.compile(r"培训|讲座|\btraining\b|\bworkshop\b|\bseminar\b|\brefresher\b")
# A year named (2019年那场洪水, the 2021 flood): talk of the past when it is a year gone by,
# which _told_of_the_past works out on the day, so that this year's own events never are
# (and a bot running across New Year needs no restart).
_YEARS_GONE = "19[0-9]{2}|20[0-9]{2}"
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
# Talk about a past incident ("去年那起…", "last year's landslide") is not a new one,
# unless it is happening again now.
_PAST = fastre.compile(
    # (old days told, not a hard veto: 那会儿我在桥上，看见一辆车冲进河里了 is a report)
    rf"(?<![0-9])(?:[01][0-9]|9[0-9])年(?=地震|洪水|发大水|台风|大火|泥石流|那(?:场|次|会))|去年|前年|前几年|那几年|早几年|(?:几|好几|十几|[一二两三四五六七八九十])年前|上次|上回(?!不[去来])|那回|往年|历史上|上周|上个?(?:礼拜|星期)|上个月|上月|那会儿|那时候|(?:{_YEARS_GONE})年(?:[^，,。0-9]{{0,6}}?那|的)?(?:场|次)|(?:半|[一二两三几]|好几|好些)年(?:多)?了|\blast (?:year|month|week|time|summer|winter|spring|autumn|fall|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(?:years?|months?) ago\b|"
    r"\bfrom (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last night)\b|"
    # an old photo, the flood of a year gone by
    rf"\b(?:old|archive) (?:photos?|pictures?|videos?|footage|clips?)\b|\b(?:in|from|during) (?:the )?(?:{_YEARS_GONE})\b"
)
_NOW = fastre.compile(
    r"又|再次|(?<![到至])现在(?!想想|想起|回想|想来|回头看)|目前|刚才|刚刚|正在|(?<!年)今天(?!是)|今早|今晨|今晚|今夜|快来|救命|赶紧来|"
    r"\bagain\b|\bnow\b|\bjust\b|\bcurrently\b|\btoday\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b"
)
# A clause that asks rather than tells.
_QUESTION_END = fastre.compile(r"(?:[?？]+|[吗么嘛](?:[?？]*)|了没有?)\W*$")
_NE_END = re.compile(r"呢\W*$")
_QUESTION_WORD = re.compile(r"谁|什么|啥|哪|怎么|咋|几|多少|为什么|是不是|有没有|要不要|能不能|会不会")

# Explicit calls for help: a report even when no hazard is named.
_DISTRESS = fastre.compile(
    r"救命|求救|求助|救急車|救人(?:啊|呐|呀)|喊救人|请求(?:支援|救援|增援)|快来人|快派人|(?:打|叫|拨打|呼叫|叫了|打了)\s*(?:110|119|120|122)|"
    r"\bhelp!|\bsos\b|\bmayday\b|\bsend help\b|\bambulance called\b|\bcalled (?:911|112|119|120)\b|"
    # asking for people or an ambulance to come: 快来救人, 需要救护车, please come quickly
    r"快来(?:救|帮)|赶紧来(?:人|车)|快派(?:车|救护车)|需要(?:救护车|救援)|(?:叫|喊|派|来)(?:个|辆)?救护车|"
    r"\bcome quickly\b|\bcome fast\b|\bsend (?:an )?ambulance\b|\bneed (?:an )?ambulance\b|\bhelp us\b|\bwe need help\b",
)

# --- incident families ---------------------------------------------------------------

# A fishing boat is often named by its registration alone (鲁荣渔58327), a hull by its side (左舷).
_VESSEL_ZH = rf"(?:船(?!厅|票|期|务|厂|台|坞)|舢板|舢舨|快艇|皮划艇|游艇|艇|轮渡|渡轮|货轮|客轮|筏|{ZH_REGISTRATION}|[左右]舷|机舱)"
_VESSEL_EN = r"(?:boat|ship|vessel|ferry|trawler|yacht|kayak|canoe|dinghy|barge|tanker ship|freighter|sampan)s?"
_VEHICLE_ZH = r"(?:车(?!间)|货车|轿车|客车|公交|大巴|面包车|摩托|电动车|三轮|渣土车|槽罐车|罐车|卡车|挂车|拖拉机|的士|火车|列车)"
_FIRE_ZH = (
    r"被烟(?:熏|呛)|起火|着火|失火|火灾|火情|大火|明火|火势|火光|火苗|火焰|烧起来|燃烧|燃起|冒烟|浓烟|黑烟|爆炸|爆燃|闪爆|火警|"
    r"自燃|烧着|烧毁|林火|山火|引着|引燃|点着了|着了(?:一大片|一片|好大)|着起来|冒火|窜火|焦糊味|烧焦|"
    r"火(?:很|太|特别|挺|好|老|越来越)大|(?:引起|引发|发生|起了|着了)(?:一场|一起|一处)?(?:小)?火(?![车柴锅候])"
)
_FIRE_EN = (
    r"\bfire\b(?![- ](?:drills?|engines?|trucks?|brigade|stations?|extinguishers?|hydrants?|service|department|"
    r"crews?|fighters?|team|alarm test|exits?|doors?|safety|plans?|escape|hose|pumps?|main|line|patrol|wardens?|blankets?|rescue|and rescue|dept|panel))|\bblaze\b|\bablaze\b|\bon fire\b|"
    r"\bcaught fire\b|\bburning\b(?! (?:hot|up|sensation|pain|eyes|throat))|\bflames?\b|\bburn(?:ed|t) (?:down|out)\b|\bgutted\b|\bcaught alight\b|\bset alight\b|\bsmoke\b(?![- ](?:machines?|alarms?|detectors?|tests?|bombs?))|\bexplosions?\b|\bexploded\b|\bblast\b"
)

ZH_TYPES: dict[str, re.Pattern[str]] = {
    "mine": fastre.compile(r"矿(?!泉)|煤窑|井下|采石场|石料厂|石头厂|石子场|石料场|采石|爆破作业|放炮崩|(?<!鞭)炮崩|冒顶|透水|瓦斯(?!桶|炉|味|罐|瓶|管|外泄|漏|行|费|灶|热水器|气爆)|竖井|斜井|巷道|升井|掘进"),
    "hazmat": fastre.compile(
        r"泄漏|漏气|漏氨|漏油|渗漏|油(?:溢|漏)(?:到|进|出)|(?:海|水|河)面[^，,。 ]{0,4}(?:油花|油膜|油污)|(?:管道|管线)[^，,。]{0,4}漏了|(?:氟利昂|制冷剂|冷媒)[^，,。 ]{0,3}(?:漏|泄)|漏液|漏酸|溢油|泄放|气体外泄|毒气|有毒气体|氯气|液氨|氨气|硫化氢|酸液|"
        r"化学品(?:泄|外溢|起火)|(?:化学品|危化品|药剂|电石|农药)[^，,。 ]{0,8}(?:冒烟|冒泡|遇水|进水|受潮|反应)|"
        # plant staff's words for a release (溢料, 冒料, 物料喷出, 可燃气体报警), acid splashed or
        # knocked over, a reaction running away (温度失控, 飞温)
        r"溢料|冒料|跑料|喷料|(?:物料|介质)[^，,。 ]{0,4}(?:喷出|外溢|溢出|外泄)|(?:可燃|有毒|易燃)气体[^，,。 ]{0,4}(?:报警|超标)|"
        r"(?:硫酸|盐酸|硝酸|氢氟酸|烧碱|液碱|甲苯|苯|甲醇|氨水|化学品|危化品)[^。]{0,16}(?:溅|打翻|洒了|泼)|(?:反应|温度|釜温)失控|飞温|"
        # a smell, then people feeling it
        r"(?:臭味|怪味|异味|刺鼻味|化学味|一股味|药味)[^。]{0,12}(?:头晕|恶心|呕吐|晕倒|咳嗽|喘不上气|眼睛疼)|危化品(?:泄|外溢)|烟雾扩散|刺激性气味|刺鼻气味|咳嗽流泪|反应釜.{0,6}(?:爆|泄|超压)|"
        r"(?:硫酸|盐酸|硝酸|烧碱|液碱|甲醇|苯|汽油|柴油|化学品|危化品|储罐|罐体|槽罐|罐车).{0,8}"
        r"(?:外溢|溢出|破裂|喷出|外泄)|"
        # poisoning in a confined space (sewage, septic tanks, pits) is a toxic-gas job
        r"(?:沼气池|化粪池|污水|窨井|粪池|有限空间|下水道|下池|池底|罐内|井内|地窖|菜窖|红薯窖|白菜窖|腌渍池|腌制池|腌菜池|发酵池|酱池|污泥池|集水池|电缆井|管井|检查井)"
        r".{0,20}(?:中毒|晕倒|昏迷|叫不醒|喊不醒|不省人事|没动静|晕了|晕过去|晕在)|"
        # a gas alarm going off (氨报警器一直响): the leak is named by the alarm
        r"(?:氨|液氨|氯|氯气|硫化氢|一氧化碳|有毒气体|可燃气体?)(?:气体)?(?:浓度)?报警(?:器|仪)?[^，,。]{0,6}(?:响|报警|叫|超标)|"
        # the state, then the enclosed space: 晕倒在池内, 昏迷在罐里
        r"(?:晕倒|晕|昏迷|倒)在[^，,。 ]{0,4}(?:粪池|沼气池|化粪池|污水池|油罐|罐体|储罐|窨井|地窖)"
        # what people smell and feel before anyone names a chemical
        r"|(?:味道?|气味|异味|怪味).{0,3}(?:很大|特别大|刺鼻|呛|好大|太大)|臭鸡蛋味|(?:厂|化工|罐|管道)[^，,。 ]{0,6}(?:一股|有股)[^，,。 ]{0,3}味|呛人|刺鼻|眼睛(?:疼|辣|睁不开)|"
        r"(?:煤气|燃气|天然气|液化气|瓦斯)(?:味|外?泄|漏|管道.{0,4}(?:断|破|裂))|(?:煤气|燃气|天然气|液化气|瓦斯)(?:管子?|罐|瓶|阀门?|灶).{0,3}(?:漏|泄|呲)|(?:煤气|燃气|天然气|液化气|瓦斯)[^，,。 ]{0,4}(?:漏了|泄漏|漏气)|(?:冒|喷)(?:黄|绿|红|棕)烟|"
        r"(?:罐子|罐体|储罐|阀门|(?:燃气|煤气|天然气|输油|化工|氨)(?:管道|管线))(?:被)?(?:挖|撞)?(?:破|断|裂|漏)|死鱼|(?:油|液体|药水|酸)[^，,。 ]{0,2}(?:往外|外)(?:流|冒|漏|淌|喷|呲)|"
        r"(?:汽油|柴油|机油|氨水|硫酸|盐酸|农药|化学品).{0,8}(?:流了|流进|流入|往.{0,4}流|漏了|洒了)|(?:农药|化肥|油漆|汽油|柴油|沼气|氨水?|硫磺)味|"
        r"(?:沼气池|化粪池|粪池|清粪池|污水井|污水池|窨井|地窖|罐).{0,10}(?:没上来|下去.{0,6}没)|(?:沼气池|化粪池|粪池|沼气).{0,4}(?:炸|爆)"
        r"|下(?:池子?|井|罐|窖)[^，,。]{0,8}(?:没上来|晕|倒)|(?:下去|下井|下池)?救(?:人)?的(?:人)?[^，,。]{0,3}也(?:倒|晕|昏)"
    ),
    "earthquake": fastre.compile(r"地震|震感|余震|震中|震级|明显(?:的)?震动|震动明显|感(?:受|觉)到.{0,4}震动|地(?:一|在|直)晃|(?:楼|房子?)(?:一|在|直)晃|地动山摇|"
                                 r"(?:地|楼|房子?)(?:又)?晃(?:了|得)|地动了|(?<!手机)(?<!电话)又震了|震(?:塌|裂|倒|坏|掉)|"
                                 # the shaking told, not named (晃得太凶, 那一下晃的, 灯一直晃)
                                 r"晃得(?:太|很|挺|好|真)?(?:凶|厉害|明显|猛)|那一下晃|一阵晃|(?:灯|吊灯|楼|床|桌子|窗户|柜子)[^，,。 ]{0,2}(?:一直|直|在)晃"),
    "forest_fire": fastre.compile(
        r"山火|林火|森林火灾|森林着火|草原火|野火|"
        # (a building on a forest farm that burns is a house fire: 林场宿舍着火了)
        rf"(?:(?:林场|林区)(?!宿舍|仓库|办公|食堂|工棚|厂房|场部)|树林|山林|林地|林子|森林|松林|林带|防护林|防风林|防火林|竹林|山上|后山|山坡|山顶|山腰|麓|荒山|荒草|草坡|荒坡|草场|扑火队|护林).{{0,20}}(?:{_FIRE_ZH})|"
        rf"(?:{_FIRE_ZH}).{{0,20}}(?:林场|林区|树林|山林|林地|林子|山坡|山顶|山腰|荒山|草场|扑火队|护林)|往山(?:下|上)(?:烧|蔓延)|(?:那座|这座|整座|一座|后|前|对面的?)山(?:上)?(?:着火|起火|烧起来|着了)|[东西南北]坡[^，,。]{0,4}(?:明火|火线|过火)"
        r"|烧荒|(?:林子|山林|麦地|麦子地|玉米地|荒草|草地|秸秆地)(?:着了|着火|烧起来|点着)"
        r"|(?:山|坡|岭|林子|树林|坟地?)[上里头]{0,2}(?:也|又)?(?:着了|引着|点着|烧起来|着起来)"
    ),
    "fire": fastre.compile(
        _FIRE_ZH + r"|불이야|불났|불이 났|화재|火事|烟感(?:器)?(?:已经|一直)?(?:响|报警)|(?:房|屋|车|店|厂|棚|草垛|柴垛|油锅|锅|楼|仓库|铺子?|站|库|场|院|馆|摊|垛|烟囱)(?:子)?.{0,2}(?:着了|点着|烧着)|"
        r"(?<![放排出])走水(?:了|啦)|(?:电动车|电瓶车|充电宝|电瓶|电池)[^，,。]{0,10}(?:爆|炸|自燃)|冒火花|火花四溅|巨响|烧(?:没|光|塌|毁|掉)了|(?:全是|都是|满是|一屋子|一楼道)(?:黑)?烟|烟(?:很大|太大|老大|特别大|好大)|火(?:还|仍)?(?:没|未)(?:灭|扑灭)|火(?:还|仍)在(?:烧|着)|(?:煤气罐|液化气罐|气罐|锅炉|电瓶|电池).{0,3}(?:爆|炸)|"
        # (not one hurt by them: 被烟花炸到眼睛, 鞭炮炸伤了手 is an injury, "other")
        r"(?:炮仗|鞭炮|烟花|花炮|爆竹).{0,6}(?:炸|爆)(?!(?:到|着|伤|了|破)(?:了)?(?:眼|手|脸|头|耳|人|孩|小孩|他|她))|(?<!电)烧伤|厨房[^，,。 ]{0,4}(?:爆|炸)了"
        # shorthand: a building and 火 alone (民房火 1伤, 商场火灭)
        r"|(?:房|屋|楼|店|厂|库|棚|船|商场|仓库|宾馆|酒店|饭店|市场|车间|大棚)火(?=[\s，,。！!]|$|灭|已|未|势)"
    ),
    # a building or roof that caves in is a collapse, not ground subsidence
    "collapse_strong": fastre.compile(
        r"(?:屋顶|楼板|顶棚|天花板|房顶|楼顶|棚顶|楼房|房屋|大楼|厂房|仓库|体育馆|礼堂|教室|车间).{0,8}(?:塌陷|塌方)"
        r"|(?<!吊)桥(?:面|梁|体)?[^，,。 ]{0,3}(?:塌了|坍塌|垮塌|倒塌)|(?:沙场|砂场|基坑|沟槽|管沟|工地|标段|土方)[^，,。]{0,6}塌方"
        # a crane that toppled (门式起重机倾覆, 塔吊倒了)
        r"|(?:起重机|塔吊|塔机|吊车|吊机|龙门吊|门机)[^，,。]{0,4}(?:倾覆|倒塌|倒了|歪倒)"
    ),
    "geological": fastre.compile(
        r"滑坡|泥石流|(?<!基坑)(?<!沟槽)塌方|山体崩塌|山体垮塌|崩塌|落石|(?<!冰面)(?<!冰层)塌陷|地陷|地裂|地面沉降|山体开裂|地质灾害|崩落|滚石"
        r"|石头.{0,4}(?:往下)?滚|路基.{0,4}(?:下沉|塌)|地(?:面)?.{0,2}裂(?:缝|开)|地面.{0,4}塌|塌了(?:一)?个.{0,2}(?:洞|坑)"
        r"|山崩|垮山|(?<!基坑)(?:边坡|山坡|护坡|斜坡|坡体).{0,4}(?:垮塌|坍塌|滑塌|塌)|山.{0,2}塌了|(?:往下)?掉石头|(?:掉|滚|砸)下来[^，,。 ]{0,4}石头|石头.{0,4}(?:往下)?(?:掉|砸)下来"
        r"|(?:坡|山|土|石头?|泥)[^，,。 ]{0,4}往下(?:滑|溜|出溜|走|坐|掉|滚|冲|塌)"
        r"|(?:山上|山坡|后山).{0,6}(?:泥|石头|土).{0,6}(?:下来|冲下)|(?:泥巴|泥浆|泥水|泥|石头|沙石|土方)[^，,。 ]{0,3}从(?:山上|坡上|后山|山坡)[^，,。 ]{0,3}(?:冲|滚|滑|流|淌|下)|(?:山上|山坡|后山|坡上)(?:冲|滚|流|淌)?下来.{0,4}(?:泥|石头|土)|坡.{0,3}滑(?:下来|了)|"
        r"(?:山|山坡|后山|坡|地|田|院子|路面)[^，,。 ]{0,4}(?:出现|有)?[^，,。 ]{0,2}(?:裂缝|裂开|开裂|裂了)|地.{0,2}裂了"
    ),
    "flood_strong": fastre.compile(
        r"洪水|洪涝|山洪|内涝|积水|漫堤|漫过|决堤|溃堤|决口|溃坝|倒灌|风暴潮|水淹|被淹|淹没|淹了|涨水|发大水|水漫|河水暴涨|"
        r"管涌|漫顶|溃口|堤坝.{0,4}(?:渗|裂|险)|大坝.{0,4}(?:渗|裂|险)"
        r"|(?:坝|堤|水库)[^。，,]{0,14}(?:渗水|冒水|口子|裂缝|险情|冲垮|冲毁|垮|漫|溢)|漫坝|(?:冲垮|冲毁).{0,6}(?:堤|坝)|水冲进|"
        r"水(?:太大|很大|越来越大|涨上来|漫上来)|超汛限|"
        # the water come in and how deep (水就漫进院子, 水进村了, 现在快到腰了; not 雪都到膝盖了)
        r"水(?:就|都|已经|已)?(?:漫进|进村|进院|进屋|进家)|(?<![雪泥])(?:快|已经|都|已)(?:到|没过|淹到)了?(?:腰|膝盖|大腿|胸口?|脖子)|"
        r"屋顶上.{0,6}(?:等|救)|淹水|(?<!潮)水(?:都)?上来了|水(?:都)?(?:进屋|进院|进家|漫到|漫进|没过|到腰|到膝盖)|水(?:都|已经)?(?:到|过|没过|淹到|漫到|漫过|齐)了?(?:[他她我俺人]的?)?(?:脚脖子|脚踝|小腿|脖子|腰|膝盖|大腿|胸口?|窗户?|车窗|车顶|屋顶|房顶|炕)|"
        r"(?:全村|村里|屋里|家里|房子|地里)(?:都|全)?泡了|水.{0,4}涨起来|(?:桥|路|路基|堤|坝)(?:被)?(?:冲断|冲垮|冲毁|冲塌|冲没)|(?:被)?水(?:给)?冲(?:断|垮|毁|塌)|水.{0,6}把(?:路|桥).{0,3}冲|被水围|泡在水里|被水困"
        # a burst main flooding a basement (消防主管爆了 水哗哗往外喷), the water already to the ankles
        r"|(?<!供热)(?<!暖气)(?:消防主管|消防水管|消防管|水管|主管|总管|管道)[^，,。]{0,2}(?:爆|裂)[^。]{0,20}(?:淹|车库|地下室|负[一二三]层)"
        r"|淹到(?:了)?(?:脚脖子|脚踝|小腿|膝盖)"
        # the water over the kang, the yard all water (水都漫炕沿了, 院子里全是水)
        r"|漫(?:过|上|到)?(?:了)?炕|(?:院子|院|屋|家|村)里(?:头)?(?:全是|都是)水"
    ),
    "water_rescue": fastre.compile(
        r"溺水|溺亡|落水|坠海|坠河|坠江|溺れ|(?:有人|人|孩子|小孩)(?:已经)?沉(?:下去|底)?了|(?:卷|冲|落|掉|跌|滑)入(?:水|河|江|海|湖)中|(?<![要想])跳河|(?<![要想])跳海|翻船|沉船|"
        r"(?:掉|落|跌|摔|滑|冲|栽|翻)(?:进|入|到)?(?:了)?(?:河|海|江|湖|水|池塘|鱼塘|水塘|水库|水渠|河道|水湾|水坑|河沟|水沟)(?:里|中)|(?:掉|落|跌|摔|滑|冲|栽)(?:进|入|到)(?:了)?(?:河|海|江|湖|水|池塘|鱼塘|水塘|水库|水渠|河道)|(?:水|河|海|湖)里.{0,8}扑腾|"
        rf"(?:进水|漏水).{{0,12}}{ZH_REGISTRATION}|{_VESSEL_ZH}.{{0,30}}(?:翻了|侧翻|倾覆|沉没|下沉|沉了|抛锚|发动机.{{0,2}}坏|机器坏|熄火|进水|漏水|碰撞|相撞|撞上|撞到|搁浅|遇险|失去动力|失联|翻|漂航|走锚|触礁|冻住|被冰|冰(?:挤|困|封)住)|"
        r"(?:河|江|湖|海|水库|水塘|水)里?(?:漂着|漂浮|有(?:个)?人)|浮尸|"
        # someone carried down by the water (上游漂下来一个人, 冲下来个人)
        r"(?:漂|冲)下来(?:了)?(?:一个|个|俩|两个)?人|疑似(?:下水|落水|溺水|跳(?:河|海|江|湖|水库))|"
        r"(?:礁石|沙洲|滩涂|江心|河心|孤岛|海边|海滩|河滩|江滩|河中间|河中央|江中间).{0,10}(?:困|涨潮|海水.{0,4}涨)|困.{0,4}(?:河心|江心|河滩|江滩|河中间|沙洲)|"
        r"(?:水库|河|江|湖|海|池塘|水塘|鱼塘)(?:边|里|旁)[^。]{0,12}(?:未归|没回来|不见了|失踪|找不到|找不着)|"
        # gone swimming and not found (俩小伙子下海游泳，浪大，一个被拖上来了，另一个找不着了)
        r"(?:下(?:海|河|水|湖|水库)|去(?:海|河|湖)(?:里|边))(?:游泳|洗澡|玩水|摸鱼|捞)[^。]{0,30}(?:找不着|找不到|没找到|没上来|不见了|没影|失踪|冲走)|"
        # pulled up from under the water (刚从水下把一个潜水的拖上来), and the ice giving way under people
        r"从水(?:下|里|底)(?:把)?[^，,。]{0,8}(?:拖|拉|捞|救|抱)(?:上来|出来|上岸)|冰面(?:塌陷|塌了|裂开|破了)|"
        r"(?:涨潮|潮水|海水|水(?:还在|一直|越来越)?涨).{0,30}(?:回不去|回不来|上不了岸|下不来)|(?:礁石|礁盘|沙洲|沙坝|滩涂|小岛)上?\s?(?:了)?\s?(?:回不去|回不来|上不了岸)|"
        r"困在(?:了)?[^，,。]{0,6}(?:礁石|礁盘|沙洲|沙坝|滩涂)|退路(?:被|已经|都)?(?:淹|断)|(?<![a-z])tide(?![a-z]).{0,30}(?:困|回不去|回不来|上不了岸)|"
        r"离岸流|卷入海|被浪|被(?:水|浪|海水|河水)?冲(?:到深水|出去|远了|走了)|冲到深水区|涨潮.{0,6}困|困.{0,8}涨潮|潮水.{0,6}困|海上搜救|水上搜救|冲离岸边|被冲离|卷走|"
        r"救生员.{0,8}(?:施救|下水|搜救|救援)|下水(?:施救|救人|搜救)|出海[^。]{0,12}(?:未归|没回来|不归|失联|联系不上|打不通)"
        r"|掉(?:进)?(?:海|河|水|湖|池塘|冰窟窿)里|(?:掉|落|跌|摔|滑|冲|栽|开)(?:进|入|到)了?\s*(?:the\s+)?(?:harbou?r|river|sea|lake|water|canal|reservoir|pond)\b|落海|冰窟窿|困.{0,4}(?:礁石|沙洲|滩涂)|游泳.{0,10}(?:抽筋|沉下|没上来|不见)|(?:游泳|游出去|游远|下河|下水|玩水|戏水)[^。]{0,16}(?:少了(?:一|两|俩)个|不见了|没回来|没影了|没上来)|抱着(?:桥墩|树|木头|礁石)|赶海.{0,10}(?:困|围)|"
        r"潮水.{0,6}围|没上来|漂着|触礁|搁浅在|(?:礁|滩|岸边|海边|近岸|港|湾|海|岛|海里|外海).{0,8}搁浅|(?:船(?!厅|票|期|务|厂)|艇).{0,4}(?:坏了|不动了|漂走)|海上.{0,10}(?:救命|不动)|"
        r"(?:池塘|鱼塘|水塘|河|海|水库|冰面|大坝|堤|码头).{0,10}(?:掉|滑|落|摔|跌)(?:进|下)去|钓鱼.{0,10}(?:掉|滑|落|摔|跌)(?:进|下)"
    ),
    "flood_weak": fastre.compile(r"进水|(?:河|江|湖)水.{0,2}(?:上涨|猛涨|涨了|涨起来)|水位.{0,4}(?:上涨|涨|升)|泄洪|泡水|被泡"),
    "collapse": fastre.compile(
        r"倒塌|坍塌|垮塌|塌了|刮塌|压塌|塌落|塌下|垮了|楼塌|房塌|屋塌|墙塌|墙倒|房倒|"
        r"(?:脚手架|鹰架|塔吊|吊车|门机|龙门吊|广告牌|招牌|围墙|围挡|大棚|棚子|屋顶|楼板|天花板|吊顶|雨棚).{0,6}"
        r"(?:倒|塌|垮|掉落|刮落|吹落|坠落|砸|掉下来|砸下来|落下来)|"
        r"(?:外墙|墙体|墙皮|瓷砖|幕墙|玻璃|招牌|阳台).{0,4}(?:脱落|掉落|坠落|砸)|"
        r"(?:桥面|桥梁|大桥|桥|楼房|房屋|房子|民房|楼体|大楼|建筑|基坑|地基).{0,6}(?:裂缝|缝|下沉|开裂|倾斜|变形|坍|塌)|"
        r"(?:泡|冲|压|震|烧|砸|刮|吹)塌|"
        r"(?:屋顶|彩钢板|彩钢瓦|顶棚|雨棚|棚顶|广告牌|招牌|围挡).{0,6}(?:掀翻|掀掉|刮飞|吹飞|刮落|吹落|倒塌|砸)"
        r"|(?:房顶|屋顶|阳台|墙|广告牌|彩钢房|工棚|棚子?|大棚|板房|碎石|墙皮|灯架|桁架|舞台|展架|帐篷).{0,6}(?:掀了|掀翻|刮翻|吹翻|吹倒|刮倒|掉下来|掉落|砸)"
        r"|(?:房|屋|墙|楼)(?:子|体)?(?:都|全)?(?:倒|塌)了|(?:墙|墙头|楼|房子?|烟囱|电线杆|塔吊)[^，,。 ]{0,2}(?:歪了|要倒|快倒了|往一边倒)|(?:门楼|牌坊|烟囱|水塔|大门|院墙|墙头|偏房|厢房|平房|猪圈|牛棚|羊圈|车棚)(?:子)?.{0,3}(?:倒了|塌|垮)"
    ),
    "traffic_strong": fastre.compile(
        rf"车祸|交通事故|追尾|相撞|撞车|连环撞|剐蹭|刮蹭|卷(?:入|进|到)?车底|"
        rf"{_VEHICLE_ZH}.{{0,4}}(?:撞上|撞到|撞断|撞塌|撞毁|冲进|冲入)|车[^，,。 ]{{0,4}}(?:卡|挂|骑|架)在(?:了)?(?:护栏|隔离带|路肩|路牙|桥栏)"
    ),
    "traffic": fastre.compile(
        r"车祸|交通事故|追尾|相撞|撞车|剐蹭|刮蹭|侧翻|翻车|连环撞|被撞|撞倒|撞伤|撞死|碾压|"
        rf"{_VEHICLE_ZH}(?:事故|肇事)|"
        # two vehicles named together, the Chinese "motorbike vs truck" (一死一伤 货车和摩托车)
        rf"{_VEHICLE_ZH}(?:和|与|跟|同)(?:一辆|辆)?{_VEHICLE_ZH}(?![^，,。 ]{{0,6}}(?:停|维修|修理|充电|销售|展))|"
        rf"{_VEHICLE_ZH}.{{0,10}}(?:撞|冲进|冲出|冲下|翻下|翻入|掉进|坠入|失控|滑下|翻|刮了|刮倒|剐了|蹭了|顶上了|顶到|摔|栽)"
        # (被风刮倒 is the wind's work, not a vehicle's)
        r"|撞了|撞上了|撞着|刮上了|剐上了|(?<!风)刮倒|车.{0,4}翻|追(?:到)?(?:一块|一起)|"
        rf"{_VEHICLE_ZH}[^，,。]{{0,16}}(?:滑|掉|翻|冲|栽)(?:到|进|下)?(?:了)?(?:路)?沟|"
        r"(?:骑|开)[^，,。 ]{0,6}(?:车|三轮|摩托)[^，,。 ]{0,4}(?:掉|栽|翻|摔)(?:进|到|下)?(?:了)?(?:沟|河|坑)|车[^，,。 ]{0,12}(?:挤|掉|翻|冲|滑|栽|开)(?:到|进|下)了?(?:路)?沟(?:里|底)?|车[^，,。]{0,12}把[^，,。 ]{1,10}(?:撞|刮|带|蹭|碰)(?:倒|飞|伤|了)|对撞|顶牛|刮擦|剐擦|撞(?:到)?(?:一块|一起)|撞护栏|撞树|撞人|把人撞|被车(?:撞|轧|碾|压|刮|蹭)"
    ),
    "medical": fastre.compile(
        r"中毒|中暑|低血糖|晕倒|昏倒|晕厥|昏迷|休克|心脏病|心梗|心肌梗|脑梗|中风|猝死|抽搐|癫痫|呕吐|腹泻|腹痛|"
        r"肚子疼|拉肚子|上吐下泻|发烧|高烧|发热|起疹子|疹子|手足口|麻疹|水痘|流感|犯病|一动不动|躺着不动|不省人事|"
        r"误喝|误食|喝了农药|喝农药|服毒|吞药|毒蘑菇|噎住|卡住(?:了)?喉咙|海姆立克|憋紫|(?:汤|开水|热水|粥|奶)[^。]{0,12}烫(?:伤|着)|(?:已)?无呼吸|无脉搏|没脉了|no pulse|喘不上气|喘不过气|水母|大出血|吐血|"
        r"没有呼吸|没呼吸|呼吸心跳骤停|心跳骤停|没有意识|失去意识|意识不清|神志不清|心肺复苏|呼吸困难|过敏|胸痛|胸口(?:疼|痛)|突发疾病|突发.{0,4}病|倒地不起|aed|急救|"
        r"(?:家中|家里|炕上|床上|屋里)[^，,。]{0,10}(?:没气|去世|死亡|不行了)|(?:独居|孤寡)[^。]{0,24}(?:死亡|去世|没气)|"
        r"(?:被|叫|让|给)(?:毒)?(?:蛇|长虫)[^，,。 ]{0,2}咬|蛇咬伤|蜇伤|口吐白沫|(?:吃|喝|吞)了(?:半|一|大半|小半|好几|几)(?:瓶|板|盒|片|粒|包)|把药当|羊水破|要生了|难产|早产|抽风|吃坏肚子|河豚|嘴麻|手麻|发麻|说话.{0,3}不利索|吃了.{0,6}(?:蘑菇|河豚|野菜)|叫不醒|晕过去|昏过去|没意识|没知觉|没反应了|(?:突然|一下子?)(?:就)?倒(?:了|下|地)|诺如|病毒感染|嘴歪|说不出话|抽抽|心脏不舒服|被.{0,3}(?:蜇|蛰)|(?:蜇|蛰)(?:了|伤|到|着)(?=[^，,。 ]{0,3}(?:[0-9一两俩仨三四五六七八九十几好]|个|人|孩|小孩|娃|他|她|我|老|学生|游客))"
    ),
    # A person falling from a height is "other" (an industrial or domestic accident), even
    # from a scaffold: checked before the collapse words (脚手架…坠落).
    "other_strong": fastre.compile(
        r"(?<![石物块砖瓦])从.{0,10}(?:楼|层|窗户?|阳台|楼顶|屋顶|房顶|树上?|梯子?|脚手架|鹰架|高处|吊篮|船舱|舱|平台|车斗|货堆).{0,3}(?:掉|摔|坠|跌|落)(?:下|落|了)|高处坠落|"
        # a fall from any height told with it (从12米高的盖梁上摔下来), a missed step, a hoist cage that fell
        r"(?<![石物块砖瓦])从[^，,。]{0,6}[0-9一二三四五六七八九十几]+米高[^，,。]{0,8}(?:掉|摔|坠|跌|落)|踩空(?:了)?[^，,。]{0,3}(?:摔|坠|跌)(?:下|了)|"
        r"(?:升降机|吊笼|施工电梯)[^，,。]{0,12}坠落|(?:拥挤)?踩踏(?!事故(?:调查|警示|案例))|漏电[^，,。]{0,8}(?:电|倒)|"
        # people down a cliff or ravine; animals that gore, kick or bite
        r"(?:跌|摔|掉|滚|坠)(?:下|落)(?:了)?(?:山崖|悬崖|山沟|山涧|沟底|崖)|"
        r"(?:牛|马|驴|骡子|猪|羊|狗|犬)[^，,。 ]{0,2}(?:顶|踢|咬|拱|撞)(?:了|伤|着|到|倒|他|她|人)|(?:马|牛|驴|骡子)(?:受惊|惊了|毛了)|(?<![要想])跳楼(?!.{0,3}(?:价|甩卖))|坠楼|"
        # electrocution and lightning: an accident of its own kind, whatever state the person is in
        r"触电|被电(?:打|击|倒|着)|电打(?:了|着|倒)|让电|叫电|遭雷击|雷劈|被雷(?:击|打|劈)"
        # people shut in a lift or a cold store: the entrapment, not the illness they have, is the incident
        r"|电梯.{0,6}(?:困|卡|关人|关着)|困.{0,3}电梯|(?:冷库|冻库|库房)(?:门)?.{0,6}(?:锁|关|困)(?:在|住)"
        # work vehicles are not road traffic (but one called to lift a bus is a rescue's tool: 喊了叉车过来);
        # trees and poles blown onto people or cars; burst water and heat mains
        r"|(?<!喊了)(?<!叫了)(?<!调了)(?<!找了)(?<![喊叫调找派])叉车(?!过来|来了|来吊|来抬|来顶)|(?:树|树枝|树杈|电线杆|灯杆|路灯)[^，,。 ]{0,3}(?:刮倒|吹倒|倒了|折断|断了|刮断)[^。]{0,12}(?:压|砸)"
        r"|(?:水管|供水管|供水主管|自来水管|主管道?|暖气管|供热管道?|热力管道?|蒸汽管道?)[^，,。 ]{0,4}(?:爆裂|爆管|破裂|爆了|崩了)|爆管|(?:高压锅|压力锅)[^，,。 ]{0,3}(?:爆|炸)"
    ),
    # Incidents of no other family; and casualty words alone (被困, 失联), which make a
    # report (更新：被困人员已全部救出) whose family the message does not say.
    "other": fastre.compile(
        r"冰雹[^。]{0,12}(?:打坏|砸坏|砸伤|打伤|毁|砸碎|打碎)|龙卷风|(?:被|让|叫)?(?:大)?雪封(?:在|住)|(?:枯井|机井|水井|窨井|井|坑|地洞|下水道|地窖)里(?:头|面|边)?有(?:个)?人|电梯.{0,6}(?:困|卡|故障|关人)|困.{0,3}电梯|(?:过山车|缆车|索道|摩天轮|吊篮|吊厢|游乐设施|大摆锤).{0,8}(?:停|卡|悬|挂|困)|(?:停|卡|悬|挂)在(?:了)?半空|停电|断电|踩踏|被踩|踩伤|坠楼|跳楼|轻生|高空坠物|坠落|走失|"
        r"被困|失联|失踪|下落不明|被埋|摔下|坠崖|跌落|骨折|溺亡|触电|尸体|遗体|(?:男|女|无名)尸"
        # a stabbing; a machine that caught a hand (叫卷扬机绞了手, 绞肉机绞了); a child lost in a crowd
        # (the verb alone: a pattern that opens on [^…]{0,4} is tried at every character of every message)
        r"|捅(?:了|伤)|砍伤|刺伤|绞(?:了|伤|断|住|进)|卷进(?:了)?(?:机器|皮带|滚筒)|走散"
        r"|打架|斗殴|动刀|持刀|砍人|漏电|电倒|被电|停水|反锁|锁在车里|井盖|掉下去了|找不着了|找不到了|走丢|"
        # a dog by its kind (狼狗, 藏獒) that bit; someone on a roof's edge; a neighbour nobody has seen for days
        r"(?:狗|狼狗|藏獒|土狗|狗子)[^，,。]{0,12}咬(?:了|伤|住)|(?:楼顶|天台|楼顶边缘|桥栏)[^，,。]{0,4}(?:边缘|边上)?[^，,。]{0,4}(?:坐着|站着|要跳)|"
        r"扬言(?:跳|轻生)|轻生|(?:[两三四五六七八九十几]|三四|四五|好几)天没(?:见着|看见|见|瞅见)(?:人|他|她|了)|(?:敲|叫)门(?:也)?(?:不|没人)(?:应|开|答应)|"
        r"老年痴呆|迷路|烫伤|扎伤|雷劈|被.{0,4}烫(?:了|着|伤|到)|(?:掉|摔|栽|跌|滚|滑)(?:进|到|下)?了?(?:枯井|机井|水井|窨井|井|坑|地洞|洞|沟|下水道)(?:里|中|内|下)|(?:狗|犬).{0,4}咬|咬人|咬伤|未归|(?:还|一直|至今|到现在|一宿|一夜|一晚上?|放学后?|出去后?)(?:都)?(?:没|没有|未)回(?:家|来)(?!吃|睡|拿)|"
        r"要跳(?:河|海|楼|桥)|想跳|(?:手|胳膊|腿|头发|衣服|人).{0,3}(?:卷|绞|夹|轧)(?:进|入|到)|机器.{0,4}(?:卷|绞|夹|轧)|电线杆.{0,4}(?:倒|断)|电线.{0,6}(?:落地|掉下来|断了)|(?:导线|高压线|电缆|线路)[^，,。]{0,8}(?:断线|掉落|落地|断了|脱落|坠落)|打火花|(?:井|坑|洞|窟窿|下水道)里[^，,。 ]{0,4}掉(?:进去|下去)|变压器.{0,4}(?:炸|爆|着火|冒火)"
    ),
}

EN_TYPES: dict[str, re.Pattern[str]] = {
    "mine": fastre.compile(
        r"(?<!\bto )(?<!\bof )(?<!\bthan )(?<!\blike )(?<!\band )\bmines?\b(?!'s\b|\s+(?:is|was|too|as well|isn'?t|wasn'?t)\b)|\bminers?\b|\bcolliery\b|\bquarry\b|\bmine ?shaft\b|\bpithead\b"
    ),
    "hazmat": fastre.compile(
        r"\b(?<!water )(?<!roof )leak(?:s|ing|ed|age)?\b|\bspill(?:s|ed|age|ing)?\b|\bcrude oil\b|\boil slick\b|"
        r"\bpipeline (?:rupture|burst|leak)|\btoxic\b|"
        r"\bhazmat (?:incident|spill|leak|release|emergency)\b|"
        r"\bhazardous (?:materials?|chemicals?|substances?)\b|\bchemical (?:release|leak|spill|cloud)\b|"
        r"\bammonia\b|\bchlorine\b|\bfumes\b|\bgas release\b|\bgas escape|"
        r"\bchemical (?:smell|odou?r|smoke|fumes|cloud|release|leak|spill|burns?)\b|\bacid (?:spill|leak|burns?)\b|"
        r"\bsmell of gas\b|\bgas (?:smell|odou?r)\b|\bsmelled gas\b|\bsmell(?:s|ed|ing)? (?:\w+ )?gas\b|\bsewer gas\b|"
        r"\bh2s\b|\bhydrogen sul(?:ph|f)ide\b|\bacid\b(?! rain)|\bchemical (?:tanks?|drums?)\b.{0,30}\b(?:overflow\w*|burst|ruptured)\b|"
        r"\b(?:manhole|septic tank|sewage (?:tank|pit|well)|sewer|cesspit|slurry pit|biogas (?:pit|tank|digester))\b.{0,40}\b(?:overcome|unconscious|collapsed|fumes|not responding|unresponsive|fainted|passed out)\b|"
        r"\b(?:fell|fallen|went down) (?:in|into) (?:a |the )?(?:septic|sewage|slurry|biogas) (?:tank|pit)\b|"
        # the state, then the enclosed space: "collapsed inside ballast tank 2P", "unconscious in the nitrogen room"
        r"\b(?:collapsed|unconscious|passed out|fainted|overcome|unresponsive)\b.{0,20}\b(?:inside|in|at the bottom of)\b.{0,24}"
        r"\b(?:(?:ballast|cargo|fuel|oil|water|storage) tank|manhole|septic tank|sewer|silo|cesspit|slurry pit|nitrogen|enclosed space|confined space|void space)\b"
        r"|\bsmells? (?:of|like) (?:chemicals?|ammonia|chlorine|bleach|solvent)\b|\bfish (?:are )?dying\b|\bdead fish\b|"
        r"\bgas (?:main|line|pipe|pipeline)s? (?:break|broke|burst|rupture|ruptured|leak|hit|severed|cut|damaged)\b|\bstrong (?:gas |chemical )?(?:odou?r|smell)\b|\brotten eggs?\b|\bhissing\b|\boil sheen\b|\bsmells? (?:like|of) gas\b|\bgas everywhere\b|\bfumes\b",
    ),
    "earthquake": fastre.compile(r"\bearthquakes?\b|\bquakes?\b|\btremors?\b|\bseismic\b|\baftershocks?\b|"
                                 r"\b(?:whole )?(?:building|house|hotel|block) (?:just )?(?:shook|was shaking|started shaking)\b|"
                                 r"\bfelt (?:a |the )?(?:strong |big |huge |violent )?(?:shake|shaking|jolt)\b|\bthe ground (?:shook|was shaking)\b"),
    "forest_fire": fastre.compile(
        r"\bwild ?fires?\b|\bforest fires?\b|\bbush ?fires?\b|\bbrush ?fires?\b|\bgrass ?fires?\b|\bhill ?fires?\b|"
        r"\bwoodland fires?\b|\bveld fires?\b|"
        rf"(?:{_FIRE_EN}).{{0,40}}\b(?:forest|woods|woodland|hillside|ridge|mountain|slope|plantation)s?\b|"
        rf"\b(?:forest|woods|woodland|hillside|mountainside)s?\b.{{0,30}}(?:{_FIRE_EN})",
    ),
    "fire": fastre.compile(_FIRE_EN),
    "collapse_strong": fastre.compile(r"\bcranes? (?:fell|fall|falls|collapsed|toppled|tipped over|came down)\b|\b(?:roof|ceiling|floor)s?\b.{0,20}\bcaved? in\b|\bbridges?\b(?: [\w'-]+){0,6} (?:partly |partially )?(?:collapsed|caved in)\b"),
    "geological": fastre.compile(
        r"\blandslides?\b|\blandslips?\b|\bmud ?slides?\b|\bmudflows?\b|\bdebris flows?\b|\brock ?falls?\b|"
        r"\brock ?slides?\b|\brocks? (?:falling|fell|came down|coming down|rolling)\b|\bfalling rocks?\b|\bsinkholes?\b|\bsubsidence\b|\bground collapse\b|\broad (?:collapse|caved in)"
        r"|\bcliff (?:fall|collapse|face collapse)s?\b|\b(?:cliff|hillside|slope|embankment)s?\b.{0,15}\b(?:collapsed|gave way|came down|slid|slipped)\b|\bground crack\w*|\bcracks? in the ground\b|\bslump(?:ed|ing)?\b|\bcracks? across\b",
    ),
    "flood_strong": fastre.compile(
        r"\bflood(?:s|ing|ed|water|waters)?\b|\b(?:broke|burst|over(?:flowed|topped)?) (?:its |the |their )?banks?\b|\bflash flood\b|\bstorm surge\b|\binundat\w*|\bwaterlogg\w*|"
        r"\bsubmerged\b|\blevee\b|\bdike breach\b|\bburst (?:its )?banks\b|\bunder water\b|\bunderwater\b"
        r"|\bwater (?:is )?(?:coming|pouring|rushing|getting) in(?:to)?\b(?!(?: (?:the |our |my )?(?:forepeak|fore ?peak|hold|engine ?room|hull|bilge|boat|vessel|ship|wheelhouse|cabin)\b))|\bwater (?:is |are )?(?:entering|coming into|inside) (?:our |the |my |their )?(?:village|house|houses|home|homes|town|street|shop|school)s?\b|\bwater (?:is |was )?(?:very |so |too |really )(?:high|deep)\b|\b(?:waist|knee|chest|neck)[- ]deep\b|\bwater (?:is |was )?up to (?:the |my |our |his |her |their )?(?:knees?|waist|chest|neck|windows?|roofs?|doors?)\b|\bovertopp\w*|\boverflowing\b|\bembankment\b.{0,20}\b(?:seep\w*|breach\w*|crack\w*)|\breservoir level\b|\bseeping\b",
    ),
    "water_rescue": fastre.compile(
        r"\b(?:off|over) the (?:quay|quayside|pier|jetty|wharf|dock ?side|breakwater)\b|"
        r"\bcaught in (?:a |the )?rip\b|\brip currents?\b|\b(?:getting|being) dragged (?:straight |right )?out\b|"
        r"\bwater rescue\b|\bswift ?water\b|\bpulled (?:out of|from) the (?:deep end|pool|water|sea|river|lake|harbou?r)\b|\bface ?down in the (?:pool|water)\b|\bcut off by (?:the )?(?:rising |incoming )?tide\b|\b(?:can'?t|cannot|can not|unable to) (?:paddle|row|swim) back\b|\b(?:blown|pushed|push|swept|drifting|drifted) (?:us |them |him |her )?out (?:to sea|from (?:the )?(?:beach|shore|coast))\b|\b(?:kayak|canoe|raft|paddleboard)(?:er|ers|ist|ists)?\b.{0,30}\b(?:stuck|trapped|capsized|pinned|swept|in trouble)\b|\bdrown\w*|\boverboard\b|\bcapsiz\w*|\bsinking\b|\bsank\b|\brip current\b|\bswept (?:out )?to sea\b|"
        r"\bswept away by (?:a )?waves?\b|\bvessel in distress\b|\bman overboard\b|\bmayday\b|"
        # MOB, as crews cry a man overboard (not an angry mob, nor an MOB drill)
        r"(?<!angry )(?<!flash )(?<!a )(?<!the )(?<!an )\bmob\b(?=\s*(?:mob\b|!|,|$)|\s+(?:stbd|starboard|port|side|off|from|recovered|alarm)\b)|"
        # a ship taking on water: water coming into the forepeak, the hold, the engine room
        r"\btaking on water\b|\bwater (?:is )?(?:coming|pouring|rushing|getting) in(?:to)?(?: (?:the |our |my )?(?:forepeak|fore ?peak|hold|engine ?room|hull|bilge|boat|vessel|ship|wheelhouse|cabin)\b)|"
        # went into the water and never came out (went swimming … hasnt come back)
        r"\b(?:went|gone|go) (?:swimming|for a swim|diving|snorkell?ing|kayaking|paddling)\b.{0,80}"
        r"\b(?:hasn'?t|hasnt|has not|haven'?t|havent|didn'?t|didnt|did not|never) (?:come|came|returned|got) back\b|"
        r"\b(?:fell|fallen|falls|falling|fall|jumped|jumping|slipped|slipping|swept|washed|went|plunged|plunging|drove|"
        r"driven|crashed|toppled)\b.{0,30}"
        r"\b(?:sea|river|lake|water|reservoir|pond|canal|harbou?r|stream|creek|dam|surf|lagoon)\b|"
        r"\b(?:missing|disappeared|last seen)\b.{0,40}\b(?:sea|river|lake|water|reservoir|pond|canal|beach|lagoon)\b|"
        r"\b(?:swept|washed) (?:off|away|out|into)\b|\bby a (?:rogue |freak |big )?wave\b|"
        r"\bin the water\b|\bstruggling in the (?:water|sea|river|waves)\b|\bswimmers? in (?:trouble|difficulty)\b|"
        rf"\b{_VESSEL_EN}\b.{{0,60}}\b(?:collided|collision|aground|adrift|taking (?:on )?water|disabled|overturned|"
        r"sinking|capsized|lost contact|missing|overdue|hit|struck|rammed|on fire|ablaze|lost (?:power|propulsion|steering)|"
        r"engine (?:failure|failed|broke down|trouble))|"
        rf"\b(?:collided|collision)\b.{{0,40}}\b{_VESSEL_EN}\b"
        r"|\bstranded\b.{0,30}\b(?:offshore|at sea|sandbar|sandbank|rocks|reef|islet|island|lake|river)\b|\b(?:sandbar|sandbank)\b|"
        r"(?<!slipped )(?<!fell )(?<!tripped )\bon the rocks\b|\bpeople in (?:the )?water\b|\bdrifting\b|\badrift\b|\bdismasted\b|"
        r"\bthrough the ice\b|\b(?:car|van|vehicle|truck|lorry|bus|taxi)s? (?:is |was |went |has gone |ended up |rolled )?in(?:to)? the (?:canal|river|lake|sea|harbou?r|water|reservoir|dock|quay)\b|\bice\b.{0,30}\b(?:cracked|broke|gave way)\b.{0,40}\b(?:went|fell) (?:in|through)\b|\binto the (?:water|sea|river|harbou?r|lake|reservoir|canal)\b|"
        r"\bbetween the (?:ship|vessel|boat) and the (?:quay|pier|wharf|dock|jetty)\b|"
        r"\bbody\b.{0,30}\b(?:from|in) the (?:water|sea|river|harbou?r|lake|reservoir)\b|"
        r"\bswimming\b.{0,40}\b(?:can'?t see|cannot see|missing|disappeared|went under|not seen)\b|"
        r"\b(?:river|sea|lake|reservoir|pond|canal|harbou?r)\b.{0,40}\bfell in\b|\bdragged out\b.{0,30}\b(?:current|sea|waves?)\b|"
        r"\bdivers?\b.{0,40}\b(?:missing|no bubbles|not surfaced|lost contact)\b|\b(?:missing|lost) (?:divers?|fisherm[ae]n|sailors?|seam[ae]n|crew ?m[ae]n)\b|"
        r"\bdidn'?t (?:surface|come back|return)\b|\bhaven'?t come back\b|\bpan[- ]pan\b|"
        r"\b(?:didn'?t|hasn'?t|has not|did not|never) come (?:back )?up\b|\bnever came (?:back )?up\b",
    ),
    "flood_weak": fastre.compile(r"\bwater (?:rising|level)\b|\bwater inside\b|\bwater over\b"),
    "collapse": fastre.compile(
        r"\b(?:roof|building|wall|house|home|bridge|ceiling|scaffold\w*|structure|warehouse|shed|tunnel|stand|crane|racking|shelving|"
        r"tower|floor|balcony|deck|decking|jetty|pier|boardwalk|walkway|hall|canopy|stage|billboard|shelter|stadium|factory|hut|market|block|flat|footbridge|cinema|"
        r"theatre|theater|shop front|shopfront|church|school|garage|barn|chimney|awning|porch|trench|ceiling)s?"
        r"(?: (?:of|at|on|in) (?:the |a |an )?[\w'-]+(?: [\w'-]+){0,5})?[ -](?:\w+ ){0,2}"
        r"(?:collapsed?|collapsing|caved? in|gave way|came down|fell down|toppled)\b|"
        r"\b(?:roof|ceiling|billboard|sign|wall|balcony|balconies|canopy|awning|chimney|scaffold\w*|shop front)s?\b.{0,40}"
        r"\b(?:fell in|blown down|came down|fell on|fell onto|fell through|fell down)\b|"
        r"\b(?:partial|structural|building|roof|wall|bridge|house) collapse\b|"
        r"\bcollapsed (?:building|house|bridge|roof|wall|structure|block|tower|factory|warehouse|school|shed|tunnel)s?\b|"
        r"\bcollapse of (?:the |a )?(?:\w+ )?(?:roof|building|wall|house|bridge|ceiling|structure|scaffold\w*)|"
        r"\bcollapsed (?:a|the|an) (?:\w+ ){0,2}(?:roof|barn|shed|building|house|wall|bridge|greenhouse|ceiling|stand)s?\b|"
        # the structure named first, its fall told after a relative clause ("the bridge that was repaired last year collapsed")
        r"\b(?:bridge|roof|building|wall|house|ceiling|tunnel|scaffold\w*|stand|stage|tower|crane|balcony|shed|barn|warehouse|structure)s?\b(?:(?!\b(?:man|woman|boy|girl|child|kid|person|worker|driver|he|she|lady|guy|someone)\b)[^.;!?]){0,80}\b(?:collapsed|gave way|caved in|folded|crumpled|buckled|come down|came down)\b",
    ),
    "traffic_strong": fastre.compile(
        r"\bcrash(?:ed|es)?\b|\bcollisions?\b|\bcollided\b|\brta\b|\brtc\b|\bmv[ac]\b|\bpile-?up\b|\brear-?ended\b|\bjackknifed\b|"
        r"\bhit-and-run\b|\b(?:road|traffic) accident\b|"
        r"\b(?:gone|went|going|run|ran|driven|drove|ploughed|plowed|smashed|slammed|crashed|piled) into the (?:back|side|rear) of\b|"
        r"\b(?:hit|struck|crashed into|ran into|drove into|smashed into) (?:a|an|the) (?:tree|wall|pole|lamp ?post|barrier|guard ?rail|railing|fence|bridge pillar)\b|"
        r"\b(?:car|truck|lorry|bus|van|taxi|motorbike|motorcycle|scooter|bike|cyclist|tractor|coach|ambulance|bicycle|"
        r"e-?bike|pedestrian|minibus)\s+vs\.?\s+\w+|\bhead-?on\b|"
        r"\bhit and run\b|\b(?<!crane )tipped over\b|\bwent under (?:a|the) (?:lorry|truck|bus|tractor)\b|\bflipped (?:over|onto)\b|\b(?:flipped|rolled|tipped|lying|is|was|ended up) (?:on|onto) its (?:side|roof)\b|\bshed (?:its|their|a) load\b|"
        r"\blevel crossing\b|\b(?:car|lorry|truck|bus|van|vehicle|taxi|coach|motorbike|motorcycle|tractor|tanker|train|tram)s?\s+"
        r"(?:hit|struck|smashed into|ploughed into|plowed into|slammed into|crashed into|rammed|mounted)\s+"
        r"(?:a|an|the|another|two|three|\d+|his|her|their)\b"
    ),
    "traffic": fastre.compile(
        r"\bcrash(?:ed|es)?\b|\bcollisions?\b|\bcollided\b|\brta\b|"
        r"\b(?:road|traffic|car|bus|motorway|highway) accident\b|"
        r"\bpile-?up\b|\brear-?ended\b|\boverturned\b|\brolled over\b|\brollover\b|\bjackknifed\b|\bslid off\b|"
        r"\bknocked down\b|"
        # (a word or two may say what kind: "hit by a dump truck", "struck by a white delivery van")
        r"\b(?:hit|struck|run over|knocked over) by (?:a |an |the )?(?:[a-z-]+ ){0,2}?(?:car|truck|lorry|bus|van|vehicle|"
        r"motorbike|motorcycle|taxi|tanker|coach|minibus|pickup|scooter|tractor|trailer)\b|"
        r"\bknocked off (?:his|her|their|a) (?:bike|bicycle|scooter|motorbike)\b|\bran over\b|\bran off the road\b|\bwent off the road\b|\bskidded\b|\bswerved\b|\bveered off\b|\binto a ditch\b|"
        r"\bfender[- ]benders?\b|\bhit-and-run\b|\baccident\b|"
        r"\b(?:car|bus|truck|lorry|van|taxi|motorbike|motorcycle|scooter|vehicle|coach)s?\b.{0,30}\baccident\b|"
        r"\baccident\b.{0,30}\b(?:car|bus|truck|lorry|van|taxi|motorbike|motorcycle|scooter|vehicle|coach)s?\b",
    ),
    "medical": fastre.compile(
        r"\bcollapsed\b|\bunconscious\b|\bcardiac\b|\bheart attack\b|\bstroke\b|\bseizures?\b|\bpoison(?:ing|ed)\b|"
        r"\bheat ?stroke\b|\bnot breathing\b|\bcpr\b|\bneed(?:s|ed)? (?:an )?(?:ems|ambulance|paramedics)\b|"
        r"\bambulance (?:called|requested|needed)\b|\bcalled an ambulance\b|\boverdose\b|\bvomiting\b|\bpuking\b|\bthrowing up\b|\bdiarrh\w*|"
        r"\ballergic\b|\bchoking\b|\b(?:can'?t|cannot|can not) breathe\b|\blips (?:are |turning |turned |gone )?blue\b|\bfainted\b|\bpassed out\b|\bbreathing difficult\w*|\bdifficulty breathing\b|"
        r"\bmedical emergency\b|\bcarbon monoxide\b|\b(?:coal|charcoal) (?:stove|brazier|burner|heater|grill)\b|\bsnake ?bite\b|\bbitten by a snake\b|\bstung\b|\bfood poisoning\b|"
        r"\bfell ill\b|\bunwell\b|\bjellyfish\b|\bstings?\b|\b(?:got|been|was|were) stung\b|\bswollen\b|\bswelling\b|\bhead (?:wound|injury)\b|\bfell down the stairs\b"
        r"|\basthma attack\b|\bdiabetic\b|\bhypothermi\w*|\bheat exhaustion\b|\bdehydrat\w*|\bfever\b|\brash\b|\bmeasles\b|\bchest pains?\b|\bmedevac\b|\bsick\b|\bnorovirus\b|\boutbreak\b|"
        r"\blying (?:on|in) the (?:road|street|ground|snow)\b|\bnot moving\b|\bin labou?r\b|\bgiving birth\b|"
        r"\bwaters? (?:has |have )?broken\b|"
        r"\bswallowed\b|\b(?:took|taken|ate) (?:too many|a lot of|some|all (?:the|her|his|my)) (?:pills|tablets|sleeping pills|medicine)\b|\b(?:not|won'?t|isn'?t|doesn'?t|can'?t) wak(?:e|ing) up\b",
    ),
    "other_strong": fastre.compile(
        r"\bfell (?:from|off) (?:the |a |an )?(?:\w+ ){0,2}(?:roof|ladder|scaffold\w*|balcony|window|tree|mezzanine|platform|hatch|crane|loft)|"
        # a fall into a ship's hold or a pit, a hand pulled into a machine (the accident, whatever state follows;
        # a fall down the stairs stays with the state told: the corpus labels it both ways)
        r"\b(?:fell|fall|falls|fallen) into (?:the |a )?(?:no\.? ?\d+ )?(?:hold|hatch|pit)\b|"
        r"\b(?:hand|arm|finger|fingers|sleeve|hair)s? (?:got |was |were )?(?:pulled|caught|dragged|drawn) (?:into|in) (?:the |a )?(?:\w+ )?(?:roller|machine|press|belt|conveyor|winch|gears?|mixer|shredder)\b|"
        r"\b(?:touch|touched|touching) (?:the |an? )?(?:electric|power|live) (?:wire|line|cable)s?\b|"
        # guns: "shots fired" is no fire, whatever a model trained on fire reports makes of "fired"
        r"\bshots? (?:were |was )?fired\b|\bgunshots?\b|\bgunman\b|\bgunfire\b|"
        r"\bcrowd crush\b|\bcrush (?:at|in) the crowd\b|\blightning strike\b|"
        r"\belectric(?:al)? shock\b|\belectrocuted\b|\bstruck by lightning\b|\blightning (?:struck|hit)\b|"
        r"\btrees? (?:came down|fell|has fallen|was blown down|blown over|down) on\b|"
        r"\bgored\b|\b(?:kicked|trampled|attacked|charged) by (?:a |an |the )?(?:bull|cow|horse|ox|buffalo|boar|dog)s?\b"
        # shut in a lift or a cold room (not the illness they have); poles and loads that fall on people or cars
        r"|\b(?:stuck|trapped) in (?:the|a|an) (?:lift|elevator)\b|\b(?:elevator|lift)s?\b.{0,20}\b(?:stuck|trapped|jammed)\b|\blocked inside\b|\bshut inside\b"
        r"|\b(?:trees?|lamp ?posts?|poles?|street ?lights?|power poles?)\b.{0,12}\b(?:came down|fell|blown down|blown over|toppled)\b.{0,30}\b(?:hit|on|onto|crushed|landed)\b"
        r"|\b(?:(?:shop |street |road )?signs?|signboards?|roof (?:tiles?|sheets?|panels?)|tiles?|awnings?|window panes?|glass panes?)\b"
        r".{0,12}\b(?:blown off|blew off|came down|came off|fell|fallen|dropped|blown down)\b.{0,30}\b(?:hit|struck|onto|crushed|landed on)\b"
        r"|\b(?:containers?|loads?|crates?|pallets?|beams?|pipes?|steel (?:plates?|pipes?|beams?)|cargo)\b (?:fell|dropped|came down|slipped) (?:from|off)\b"
        r"|\b(?:steam|water|hot water|heating) (?:pipe|main|line)s? (?:burst|ruptured|broke)\b|\bforklift\b(?!.{0,40}\b(?:water|sea|harbou?r|river|quay|dock)\b)"
    ),
    "other": fastre.compile(
        r"\b(?:stuck|trapped) in (?:the|a|an) (?:lift|elevator)\b|\b(?:dog attack|dog bite|bitten)\b|\bbomb threat\b|"
        r"\b(?:took|taken|had|has had) a (?:nasty |bad |big )?(?:tumble|fall)\b|"
        r"\bdogs? (?:bit|attacked|mauled)\b|"
        r"\b(?:hikers?|climbers?|walkers?|child|kids?|boy|girl|man|woman)\b.{0,12}\b(?:lost|got lost)\b|"
        r"\bfell (?:on|off|from|down)\b|\bbroken (?:ankle|wrist|hip|leg|arm)\b|"
        r"\b(?:elevator|lift)s?\b.{0,20}\b(?:stuck|trapped|entrapment|jammed)\b|\bpower (?:outage|cut|failure)\b|"
        r"\bblackout\b|\bcrowd crush\b|\bcrush\b|\bstampede\b|\bfell from\b|\bfall from height\b|\bsuicid\w*|"
        r"\bthreatening to jump\b|\bjumper\b|\bfell down\b|\bslipped (?:and|in|on)\b|\bfell over\b|\b(?:had|in|after|from) a (?:bad |nasty )?fall\b|"
        r"\bcan'?t get up\b|\bcable car\b.{0,20}\bstuck\b|"
        r"\btrapped\b|\bmissing\b(?! (?:the|a|an|my|our|your|his|her|their|out|you|it)\b)|\b(?:hasn'?t|has not|haven'?t|have not) been seen\b|\bstranded\b|\bdead body\b|\bbody (?:was )?found\b|\bfell into\b|"
        r"\bfallen into\b|\bcan't (?:climb|get) out\b|\bfell (?:in|down) (?:the |a |an )?(?:well|pit|hole|shaft|ditch|manhole|drain|sinkhole)\b"
        r"|\b(?:arm|hand|leg|foot|finger|hair|clothes|sleeve)s? (?:was |got |is )?(?:caught|trapped|stuck|pulled|crushed) in\b|\bconveyor\b|"
        r"\b(?:left|locked) in (?:a |the )?(?:hot |locked )?(?:car|vehicle)\b|"
        r"\bpower lines? (?:down|fell|came down|is down|are down)\b|\bdowned (?:power )?lines?\b|\blive wires?\b|"
        # people fighting now (not fighting the fire, fighting for breath)
        r"\b(?:are|is|were|was|started|start|been|keep|kept)\s+(?:\w+\s+)?fighting\b(?!\s+(?:the|a|an|for|fires?|blaze|flames|back|off|it)\b)|\bbrawl(?:ing)?\b|\bpunch(?:ed|ing)\b|"
        r"\belectric shock\b|\bfight\b|\bstabbed\b|\bstabbing\b|\bshooting\b|\bshots fired\b|\bgunman\b|\btornado\b|\btwister\b|\bforklift\b|\belectrocuted\b|\bstruck by lightning\b|\blightning (?:struck|hit)\b",
    ),
}

# One pass to tell whether any family matches at all (most chatter names none).
_ZH_ANY = fastre.compile("|".join(f"(?:{p.pattern})" for p in ZH_TYPES.values()))
_EN_ANY = fastre.compile("|".join(f"(?:{p.pattern})" for p in EN_TYPES.values()))

# Which family wins when a message names several (see the module docstring).
_TYPE_ORDER = (
    "mine", "hazmat", "earthquake", "forest_fire", "traffic_strong", "fire", "collapse_strong", "geological",
    "flood_strong", "water_rescue", "flood_weak", "other_strong", "collapse", "traffic", "medical", "other",
)


# A hazard word followed by one of these names a topic, not an event:
# 火灾隐患, 山火防控, 泄漏风险, fire safety, flood risk, earthquake preparedness.
_TOPIC_AFTER = re.compile(
    r"\W{0,2}(?:局|部门|隐患|防控|预防|防范|风险|宣传|知识|培训|预案|演练|报警器|检查|排查|防治|治理|安全教育|教育|"
    r"(?:safety|prevention|risks?|defen[cs]es|preparedness|training|awareness|response plans?|plans?|"
    r"insurance|season|inspections?|checks?|procedures?|protocols?|kits?|equipment|claims?|reports?|"
    r"(?:site )?surveys?|maps?)\b)",
)


# …and one of these before it denies it: 暂未泄漏, 未发现明火, no leak, not on fire.
_DENIED_BEFORE = re.compile(
    r"(?:(?:未|没|没有|无|暂无|尚未|暂未|并未|未发现|没发现)(?:发生|出现|检测到|检出)?|\bno|\bnot|\bwithout|\bno sign of)\s*$|"
    # near misses: what nearly happened did not (差点晕倒, 险些摔倒, nearly drowned, almost died);
    # only right before the word (险些被车撞 still reads as a crash). "Almost 30 cars crashed" is
    # a number told roughly, not a near miss.
    r"(?:差点|差一点|险些|\b(?:nearly|almost)(?!\s+(?:\d|all\b|every|each\b|half\b|a dozen\b|dozens\b|hundreds\b|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|a hundred)\b)))"
    r"(?:\s+\w+){0,2}\s*$|"
    r"(?:防止|预防|以防|谨防|严防|防范|避免|以免|当心|小心)[^，,。！!]{0,4}$"
)


# How far before a hazard word a denial is looked for; the patterns bound their own reach
# ("almost" and two English words: "nearly had a heart attack").
_DENIAL_REACH = 26


def _names_event(pattern: re.Pattern[str], text: str) -> bool:
    m = pattern.search(text)
    while m is not None:
        topic = _TOPIC_AFTER.match(text, m.end()) or (m.start() > 0 and text[m.start() - 1] == "防")  # 防溺水
        if not topic and not _DENIED_BEFORE.search(text, max(0, m.start() - _DENIAL_REACH), m.start()):
            return True
        m = pattern.search(text, m.end())
    return False


def found_nothing(text: str) -> bool:
    """An inspection's all-clear: 暂未发现泄漏, 未检测到有毒气体, no sign of a leak."""
    return bool(_FOUND_NOTHING.search(text))


# A tip's heading opening the message (急救常识：…, 【安全小贴士】…, Safety tip: …): what to do if
# it happens, never a report of it. Certain, where a veto elsewhere in a message is only likely.
# (Not 安全提示 / 温馨提示: a notice so headed may tell of a fire happening now.)
_TIP_HEADING = fastre.compile(
    rf"\W{{0,3}}(?:科普(?:知识|小知识)|{_SAFETY_TIP_ZH}|safety tips?|first[- ]aid tips?)\s*[:：】\]]"
)


def tip_heading(text: str) -> bool:
    """The message opens on a safety tip's heading (text lowercased): certain chatter."""
    return bool(_TIP_HEADING.match(text))


def news_from_afar(text: str) -> bool:
    """A forward that opens on abroad or another province (转发：日本北海道发生7级地震): certain chatter."""
    return bool(_NEWS_FROM_AFAR.match(text))


def incident_type(text: str, zh: bool, en: bool) -> str | None:
    """The incident type a report names, or None; zh/en: which word lists to use."""
    family = incident_family(text, zh, en)
    return family.removesuffix("_strong").removesuffix("_weak") if family else None


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_STOVE_FUMES = fastre.compile(r"炉子|煤炉|生炉|封炉|炭盆|炭火|火盆|蜂窝煤|烧炕|火炕|取暖炉")
# A leak that caught fire or blew up (燃气泄漏发生闪爆, 储罐泄漏起火, "the leak ignited"): a fire.
_LEAK_CAUGHT_FIRE = fastre.compile(
    # (no negation on the way: 氨气泄漏 未起火 is a leak)
    r"(?:泄漏|漏气)[^，,。未没无不]{0,6}(?:起火|着火|闪爆|爆燃|爆炸|燃烧)|(?:燃气|煤气|天然气|液化气|瓦斯)[^，,。未没无不]{0,6}(?:闪爆|爆燃|爆炸)|"
    r"\b(?:leak|spill)\w*\b(?:(?!\b(?:no|not|never|without)\b)[^.!?]){0,30}\b(?:caught fire|ignited|exploded|explosion|on fire)\b"
)
_CUT_OFF_BY_THE_TIDE = fastre.compile(
    r"(?:涨潮|潮水|海水).{0,30}(?:回不去|回不来|上不了岸)|(?:礁石|礁盘|沙洲|沙坝|滩涂|小岛)上?\s?(?:了)?\s?(?:回不去|回不来|上不了岸|困)|"
    r"(?:礁石|礁盘|沙洲|沙坝|滩涂|小岛)上[^，,。]{0,10}(?:没上来|没回来|下不来)|"
    r"困在(?:了)?[^，,。]{0,6}(?:礁石|礁盘|沙洲|沙坝|滩涂)|退路(?:被|已经|都)?(?:淹|断)|"
    # ringed by the tide (礁石上俩赶海的被潮水围住了)
    r"(?:被|让|给)(?:涨上来的)?(?:潮水|海水|海浪)(?:给)?(?:围|困|截|堵)"
)
# A well below a street (检查井, 窨井, 化粪池): a worker down it is in a manhole, not a mine, unless
# the message names a mine (煤矿井下).
_MANHOLE = fastre.compile(r"检查井|污水井|雨水井|窨井|下水井|排污井|阀门井|电缆井|化粪池|沼气池|污水管网|下水道|污水管道")
_A_MINE = fastre.compile(r"矿(?!泉)|煤窑|巷道|升井|掘进|冒顶|透水|竖井|斜井|采石")
# A tunnel or an underground works being built (隧道掌子面, 管廊竖井, 盾构, a stake number ZK3+120)
# shares a mine's words (冒顶, 竖井, 瓦斯) and is no mine: the ground caving in at the face is a
# geological call, water bursting in a flood, firedamp a gas leak; a fall down its shaft or heat
# stroke at its foot is read as if no mine word were there. Unless a mine is named (煤矿隧道).
_CIVIL_WORKS = fastre.compile(
    r"隧道|管廊|盾构|导洞|掌子面|二衬|初支|台车|地铁|暗挖|[左右]洞|(?<![a-z])[zy]?k\d+\+\d+")
_REAL_MINE = fastre.compile(r"矿(?!泉)|煤窑|煤层|采石|采区")
_CAVE_IN = fastre.compile(r"冒顶|塌方|坍方|坍塌|垮塌|塌了|掉块|埋")
_WATER_BURST = fastre.compile(r"涌水|突水|透水|突泥|淹")
_FIREDAMP = fastre.compile(r"瓦斯|有毒气体|有害气体|一氧化碳|硫化氢")
# (English "collapsed" only of a structure: a worker who collapsed is a person)
_STRUCTURE_FELL = fastre.compile(
    r"倒塌|坍塌|垮塌|塌了|塌落|\b(?:scaffold\w*|roof|wall|ceiling|building|structure|stage|platform|crane|shed|bridge|"
    r"floor|staging|tower)\b[^.!?]{0,20}\bcollapsed\b|\bgave way\b|\bcaved in\b"
)

# Families whose words also turn up in ordinary talk (a road, a wall, "other"):
# a type read from them alone is less sure.
WEAK_FAMILIES = frozenset({"flood_weak", "collapse", "traffic", "other"})


# A report form's own wording when "other" was chosen (人民路化工厂发生其他，08:05…: reports.compose):
# a person's choice, which neither another word nor the type model may overrule when the text is
# read again (a linked report split off).
_FORM_CHOSE_OTHER = re.compile(r"发生其他(?=[，,。]|$)")


def incident_family(text: str, zh: bool, en: bool) -> str | None:
    """The word family that decided the type (e.g. "flood_weak"), or None."""
    if zh and _FORM_CHOSE_OTHER.search(text):
        return "other_strong"
    # In mixed text an English word runs straight into Chinese (earthquake了, gas leak了): \b
    # sees no edge there, so the English lists read a copy with the Chinese blanked out.
    en_text = _CJK_CHAR.sub(" ", text) if zh and en else text
    chinese = zh
    zh = zh and bool(_ZH_ANY.search(text))
    en = en and bool(_EN_ANY.search(en_text))
    if zh or en:
        for family in _TYPE_ORDER:
            if (zh and _names_event(ZH_TYPES[family], text)) or (en and _names_event(EN_TYPES[family], en_text)):
                if family == "traffic_strong" and (
                    (zh and ZH_TYPES["water_rescue"].search(text)) or (en and EN_TYPES["water_rescue"].search(en_text))
                ):
                    continue  # boats that collide are vessels in distress
                if family == "mine" and zh and _MANHOLE.search(text) and not _A_MINE.search(text):
                    continue  # 检查井 2名工人下井作业后晕倒: gas in a manhole, the hazmat call
                if family == "mine" and zh and _CIVIL_WORKS.search(text) and not _REAL_MINE.search(text):
                    if (works := _works_hazard(text)) is not None:
                        return works
                    continue
                if family == "flood_strong" and zh and _CUT_OFF_BY_THE_TIDE.search(text):
                    return "water_rescue"  # 涨潮了 我们在礁石上回不去了 来的路淹了: people on a rock, not a flooded village
                if family == "other_strong" and _STRUCTURE_FELL.search(text):
                    continue  # the scaffold gave way and a worker fell with it: a collapse
                if family == "hazmat" and zh and _STOVE_FUMES.search(text):
                    return "medical"  # 生炉子没封好 老两口叫不醒 一股煤气味: CO from a stove, a medical call
                if family == "hazmat" and ((zh and _names_event(_LEAK_CAUGHT_FIRE, text))
                                           or (en and _names_event(_LEAK_CAUGHT_FIRE, en_text))):
                    return "fire"  # 燃气泄漏发生闪爆, a leak that caught fire: the fire is the call
                return family
    if chinese and _CIVIL_WORKS.search(text) and _names_event(_WATER_BURST, text):
        return "flood_strong"  # 掌子面突然涌水: no family has the word, the works say what it is
    return None


def _works_hazard(text: str) -> str | None:
    """The call for a mine word in a tunnel being built (_CIVIL_WORKS), or None to read on."""
    if _names_event(_CAVE_IN, text):
        return "geological"
    if _names_event(_WATER_BURST, text):
        return "flood_strong"
    if _names_event(_FIREDAMP, text):
        return "hazmat"
    return None


# --- doubt ----------------------------------------------------------------------------
# A message with no hazard word, casualty or call for help is not a report; but one
# that still sounds like something happening (harm or a sudden change, with urgency,
# people or a place) may be a report told in words no list has. Those go before the
# centre instead of being dropped.
_URGENT = fastre.compile(
    r"紧急|急需|快来|快派|赶紧|赶快|快点|速来|速派|危险|不得了|出事|出大事|吓人|要命|"
    r"\burgent\b|\bemergency\b|\basap\b|\bhurry\b|\bquick(?:ly)?\b|\bdanger"
)
_HARM_OR_CHANGE = fastre.compile(
    r"塌|倒了|倒下|断了|裂开|裂缝|陷下|下沉|沉了|漏了|冒出|困在|困住|出不来|掉进|掉下|掉到|翻了|翻车|冲走|冲跑|淹|"
    r"烧|炸|晕|伤|死|没气|流血|出血|昏迷|抽搐|呕吐|上吐下泻|不省人事|不动了|叫不醒|喊不醒|找不到|找不着|失联|没上来|卡住|压住|"
    r"\bstuck\b|\btrapped\b|\bcollaps|\bsinking\b|\bsank\b|\bleak|\bbleeding\b|\bunconscious\b|\bcrash|"
    r"\bsmoke\b|\bflooded\b|\bburning\b|\bhurt\b|\binjur|\bdead\b|\bmissing\b|\bfell\b|\bfallen\b|"
    r"\bcaught\b|\bpinned\b|\bcan'?t get out\b|\bpassed out\b|\bnot breathing\b|\bswept\b"
)
_PEOPLE = fastre.compile(
    r"[0-9一二两三四五六七八九十几俩仨]+\s*(?:个|名|位)?(?:人|老人|小孩|孩子|学生|工人|村民)|有人|老人|小孩|孩子|"
    r"\b(?:people|persons?|kids?|children|workers?|man|woman|boy|girl|someone|passengers?|residents?)\b"
)


def sounds_like_an_event(text: str, has_place: bool) -> bool:
    """Harm or sudden change told with urgency, people or a place; or urgency about people or a place."""
    harm, urgent, people = bool(_HARM_OR_CHANGE.search(text)), bool(_URGENT.search(text)), bool(_PEOPLE.search(text))
    return (harm and (urgent or people or has_place)) or (urgent and (people or has_place))


# A sentence ends at Chinese and English stops; "." only before a space (No.1, 3.5 stay inside).
_SENTENCE = fastre.compile(r"(?:[^。！!？?\n.]|\.(?!\s))+(?:[。！!？?\n]|\.(?=\s|$))*")
_CLAUSE_SPLIT = fastre.compile(r"[，,；;]|(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")
_MAY_ASK = re.compile(r"[?？吗呢么嘛没]")


_SIMILE = fastre.compile(r"(?:跟|像)[^，,。！!？? ]{1,8}(?:似的|一样|一般)")
# What someone only thought was happening, before what it turned out to be: 以为是地震 原来是楼上装修,
# "thought it was a fire but it was just steam". (以为没事 原来是燃气泄漏 keeps its leak: only the
# thought is blanked.)
_MISTAKEN = fastre.compile(
    r"以为[^，,。！!？?]{0,12}?(?=[，,\s]*(?:原来|结果|其实|没想到|后来发现))|"
    r"\bthought (?:it was|there was|it's|that was)[^,.!?]{0,30}?(?=,?\s*(?:but|turns? out|turned out|it was only|it was just)\b)"
)


def drop_similes(text: str) -> str:
    """Text with its similes and mistaken beliefs blanked out (same length): 下得跟发大水似的 tells of
    rain, not a flood; 以为是地震 原来是楼上装修, of building work."""
    if "似" in text or "一样" in text or "一般" in text:
        text = _SIMILE.sub(lambda m: " " * len(m.group()), text)
    if "以为" in text or "thought" in text:
        text = _MISTAKEN.sub(lambda m: " " * len(m.group()), text)
    return text


def drop_questions(text: str) -> str:
    """Text with its questions blanked out (same length), so asking about a fire is not reporting one.

    Only the asking clause of a sentence goes ("XX起火了，有人被困，消防什么时候到？"
    keeps the first two clauses); a question with no comma goes whole.
    """
    if not _MAY_ASK.search(text):
        return text
    out = list(text)
    for s in _SENTENCE.finditer(text):
        sentence = s.group()
        if not _QUESTION_END.search(sentence):
            ne = _NE_END.search(sentence)
            if ne is None:
                continue
            cut = max((m.end() for m in _CLAUSE_SPLIT.finditer(sentence[:ne.start()])), default=0)
            if not _QUESTION_WORD.search(sentence, cut):
                continue  # 俩人压着呢: a statement
        cut = max((m.end() for m in _CLAUSE_SPLIT.finditer(sentence.rstrip("？?。！! \n"))), default=0)
        for i in range(s.start() + cut, s.end()):
            out[i] = " "
    return "".join(out)


HARD, SOFT, AMBIENT = "hard", "soft", "ambient"

# Chatter words that a real report also carries in passing (其余人员均正常, 伤者名单正在核实,
# 正在召开紧急调度会, 哈哈 不是开玩笑): they veto a message only when it states no casualty.
_AMBIENT_ZH = fastre.compile(
    # (and hyperbole: 老板要气炸了 beside 货车翻了压着人)
    rf"{_FIRST_PERSON_HYPERBOLE}|{_RAVING}|{_OFFICE_IDIOMS}|"
    r"一切正常|都正常|均正常|(?:探头|传感器|检测器|感烟器)(?:误报|故障)|无复燃|"
    rf"{_ALL_CLEAR_ZH}{_SHOP_TALK_ZH}"
    # money that burns: 这油价 我钱包先着火了
    r"钱包[^，,。 ]{0,3}(?:着火|起火|冒烟|炸)|(?:老板|领导|经理|主任|我|他|她)(?:都|就|真|快)?要(?:气)?(?:爆炸|炸)了|名单|会议(?!室|中心)|开会(?!的)|例会|调度会|视频会|召开|哈哈|呵呵|笑死|可能(?:出现|发生|引发|造成)|别信|不要信"
)
_AMBIENT_EN = fastre.compile(r"\bhaha\w*\b|\blol\b|\blmao\b|\bmeetings?\b|\bbriefing\b|\broot cause\b|"
                             r"\bno need (?:to )?come\b|\ball[- ]clear\b|\b(?:file|case) closed\b")


def _blank(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group()), text)


def drop_ambient(text: str, zh: bool = True, en: bool = True) -> str:
    """Text with the ambient chatter words blanked out (same length): the 爆炸 of
    老板要爆炸了 beside 货车翻了压着人 names no explosion."""
    text = _blank(_AMBIENT_ZH, text) if zh else text
    return _blank(_AMBIENT_EN, text) if en else text


# "Not a drill" says the opposite of a drill: REAL FIRE NOT DRILL!!, 不是演练.
_NOT_A_DRILL = fastre.compile(
    r"\b(?:not|no|isn'?t|is not)\s+(?:a\s+)?(?:drill|exercise|test)\b|(?:不是|并非|非)(?:演练|演习|测试)"
)


def says_not_a_drill(text: str) -> bool:
    """非演练！/ THIS IS NOT A DRILL: said only of something happening now."""
    return bool(_NOT_A_DRILL.search(text))


def veto(text: str, zh: bool = True, en: bool = True) -> str | None:
    """HARD for drills, tests, forecasts, meetings, statistics, thanks: chatter, whatever the
    words. SOFT for notices and talk of the past: chatter, unless a hazard is named too.
    AMBIENT for chatter words a report may carry in passing (均正常, 名单, 召开): chatter
    unless casualties are stated. zh/en: whether the text has Chinese / English words to look at."""
    if _NOT_A_DRILL.search(text):
        text = _blank(_NOT_A_DRILL, text)
    opening = _CHATTER_OPENING.match(text)
    relayed = _RELAYED.match(text) is not None  # a forward whose first line names its source
    forwarded = opening is not None and not relayed and _FORWARD.match(text) is not None
    if (opening and not forwarded and not relayed) or (zh and _UNIT_NOTICE.match(text)):
        return HARD
    if (zh and _CHATTER_ZH.search(text)) or (en and _CHATTER_EN.search(text)):
        rest = drop_ambient(text, zh, en)
        if (zh and _CHATTER_ZH.search(rest)) or (en and _CHATTER_EN.search(rest)):
            return HARD
        return AMBIENT
    if forwarded or (zh and _NOTICE_ZH.search(text)) or (_told_of_the_past(text) and not _NOW.search(text)):
        return SOFT
    return None


def _told_of_the_past(text: str) -> bool:
    """Talk of a past incident: 去年…, last year's landslide, the flood of a year gone by."""
    this_year = datetime.date.today().year
    for m in _PAST.finditer(text):
        year = _YEAR.search(m.group())
        if year is None or int(year.group()) < this_year:
            return True
    return False


def notice_only(text: str, zh: bool = True) -> bool:
    """The soft veto came from a notice to units (请各…, 做好…), not from talk of the past
    or a forward (转发：…请各企业组织学习 is news passed on, not a report with an instruction)."""
    return (bool(zh and _NOTICE_ZH.search(text)) and not (_told_of_the_past(text) and not _NOW.search(text))
            and not _FORWARD.match(text))


def about_training(text: str) -> bool:
    """Mentions training: chatter unless casualties are stated."""
    return bool(_TRAINING.search(text))


# A follow-up that says how the people came out ("Update: the two climbers have been reached",
# 续报：被困人员已全部救出) is a report on the incident, though it names no hazard.
_FOLLOW_UP = fastre.compile(
    r"^\W*(?:update|latest|follow-?up|further to|correction|续报|最新|更新|跟进|进展)[^。.!?\n]{0,160}?"
    r"(?:\b(?:rescued|freed|been reached|were reached|found (?:safe|alive)|pulled (?:out|free)|brought out|airlifted|winched)\b|"
    r"\b(?:passed away|died|succumbed|pronounced dead)\b|"
    r"救出|获救|脱困|脱险|救上|找到|救起|撤出|死亡|去世|不治|身亡|全部安全|均安全|安全返港|已返港)"
)


def follow_up(text: str) -> bool:
    """An update on people in an incident (rescued, found, freed)."""
    return bool(_FOLLOW_UP.match(text))


def distress(text: str) -> bool:
    """An explicit call for help (救命, 已打119, SOS)."""
    return bool(_DISTRESS.search(text))
