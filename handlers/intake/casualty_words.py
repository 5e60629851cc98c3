"""The words the casualty counter looks for, in Chinese and English.

Private helper of the intake parser (see casualties.py for how they are used).
Patterns run on normalised, ASCII-lowercased text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.intake import fastre

KINDS = ("dead", "injured", "trapped", "missing")
_N = "零〇一二两俩三四五六七八九十百千"  # Chinese numeral characters

# --- Chinese --------------------------------------------------------------------------

# People nouns: a count needs one (or a classifier), and one named without a number is 1.
ZH_PERSON = (
    r"(?:我|俺|咱|他|她|你)(?:家|们家)?(?:爹|娘|爸|妈|爷爷|奶奶|爷|姥姥|姥爷|叔|婶|舅|姨|哥|姐|弟|妹|儿子|闺女|孙子|孙女|"
    r"媳妇|男人|老婆|老公|老伴|老太太|老爷子|父亲|母亲|孩子|娃|公公|婆婆|丈夫|外婆|外公|兄弟|嫂子|侄子|孙|老头子)|(?<![其])[他她](?![们家的人说])|有人|人员|司机|驾驶员|男子|女子|男孩|女孩|小孩|孩子|儿童|学生|老人|老太|大爷|大妈|老汉|村民|居民|住户|群众|"
    r"工人|员工|职工|游客|乘客|旅客|行人|孕妇|师傅|患者|病人|渔民|船员|矿工|队员|民警|消防员|老师|婴儿|妇女|"
    r"市民|业主|保安|店主|商户|押运员|操作工|钓鱼的|骑车的|一人|女士|男士|小伙|老者|骑手|外卖员|快递员|"
    r"骑[^，,。 ]{1,3}的|小哥|阿姨|大叔|大姐|宿管|保洁|环卫工|学员|游泳的|驴友|大人|成人|成年人|小朋友|老年人|"
    r"年轻人|中年人|男性|女性|伤员|伤者|主人|老板|负责人|店员|租户|房主|船主|车主|货主|"
    r"厨师|服务员|老头|老太太|小伙子|俺爹|俺娘|男人|媳妇|闺女|儿子|老伴|产妇|钓鱼者|护士|医生|骑车人|理货员|检修工|"
    # the jobs of forest rangers' and chemical plants' own people (一个焊工烧伤, 护林员被马蜂蛰了)
    r"护林员|巡护员|巡山员|安全员|巡检员|巡检工|焊工|电工|仓管员|保管员|化验员|扑火队员|操作员|维修工|维修员|装卸工|搬运工|"
    r"娃|娃娃|宝宝|小宝宝|小家伙|学童|幼儿|幼童|孩童|老乡|农民|渔工|养殖户|船老大|游泳者|路过的|过路的|老母亲|老父亲|小孙子|小孙女|户主|副驾驶|副驾|"
    # said without "my": 男的, 女的, a customer, a cashier, a husband, a classmate
    r"男的|女的|女方|男方|婆婆|公公|那口子|顾客|小妹|大哥|收银员|清洁工|志愿者|值班员|门卫|同学|室友|丈夫|妻子|老婆|老公|女儿|孙子|外婆|外公|叔叔|婶子|"
    r"[王李张刘陈杨赵黄周吴徐孙马朱胡林郭何高罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘于蒋蔡杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石贾夏方白孟秦江薛]某(?:某)?|"
    # a colleague called by surname (小刘, as 老王 below), club members, a hand on a boat, a rider
    r"小[王李张刘陈杨赵周吴徐孙朱胡郭何罗郑梁谢宋唐许韩冯邓曹彭曾董袁潘蒋蔡杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范贾夏孟秦薛](?![家的庄村屯店镇桥湾沟河岛])|"
    r"钓友|骑友|跑友|小工|潜水的|潜水员|骑士|"
    # trades, named as the crews, sites and yards name them (叉车工, 司索工, 收费员, 分拣员, 工程师)
    r"叉车工|船工|养护工|跟车工|司索工|信号工|架子工|钢筋工|木工|瓦工|泥瓦工|油漆工|杂工|力工|厨工|装修工|水电工|电焊工|钳工|"
    r"技工|普工|临时工|合同工|零工|义工|社工|监工|保洁工|绿化工|养路工|巡道工|调车工|采煤工|掘进工|爆破工|支护工|锅炉工|司炉工|"
    r"管道工|安装工|包装工|分拣工|质检工|纺织工|机修工|修理工|装配工|搬砖工|"
    r"饲养员|收费员|分拣员|救生员|保育员|施工员|质检员|测量员|乘务员|列车员|售票员|检票员|巡逻员|网格员|技术员|保安员|调度员|"
    r"营业员|售货员|话务员|管理员|监护员|信号员|看守员|守林员|巡线员|抄表员|配送员|送餐员|库管员|站务员|引航员|飞行员|安检员|"
    r"讲解员|教练员|裁判员|运动员|社员|组员|职员|雇员|工程师|技师|律师|医师|药师|教师|讲师|设计师|理发师|按摩师|摄影师|"
    r"交警|辅警|协警|特警|刑警|巡警|武警|食客|宾客|房客|住客|访客|客人|香客|"
    r"大姨|阿婆|阿伯|阿公|阿嫲|阿姐|阿哥|醉汉|服务生|保姆|月嫂|护工|学徒|徒弟|实习生|监理|导游|教练|球员|演员|观众|"
    r"新郎|新娘|伴郎|伴娘|病友|外国人|老外|村医|民兵|村干部|村支书|村长|镇长|队长|班长|组长|工头|包工头|伙计|"
    r"机手|飞手|水手|舵手|选手|帮手|助手|凶手|"
    # someone named by what they were doing (搬砖的, 摆摊的, 看热闹的), not a place named so (修车的铺子)
    r"(?:搬砖|摆摊|看热闹|围观|修车|送水|收废品|捡垃圾|(?:干|搞)装修|看门|看(?:节目|演出)|卖菜|卖水果|扫地|做饭|送货|"
    r"送(?:快递|外卖)|拉货|打鱼|看船|放牛|种地|打工|值班|巡逻|割草|砍柴|挖野菜|遛狗|晨练|送饭)的(?![铺店摊地厂点房家院棚])|"
    r"女工|男工|工友|民工|帮工|朋友|同事|同伴|摊主|摊贩|掌柜的|当家的|孩(?:他|子他)(?:爹|娘|爸|妈)|驾驶人|驾乘人员|司乘人员|乘员|路人|邻居|爷爷|奶奶|姥姥|姥爷|小姑娘|姑娘|"
    r"(?:车|屋|房|船|楼)(?:里|上|内)的人(?![员家们])|报警人|来电人|求助人|本人|患儿|病例|赶海的|放羊的|干活的|开(?:车|铲车|挖掘机|货车|三轮|拖拉机|叉车|吊车)的|我(?!们|镇|市|区|县|司|院|局|队|街|乡|村|厂|公司|集团|站|所|部|处|科|家|是|在|看|听)|"
    r"老[王李张刘陈杨赵黄周吴徐孙马朱胡林郭何高罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘于蒋蔡杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石贾夏方白孟秦江薛](?:头|太太|大爷|大娘|汉)?(?![家的])|"
    # a neighbour called by surname and kinship (李哥, 王姐, 孙大娘, 张师傅)
    r"[王李张刘陈杨赵黄周吴徐孙马朱胡林郭何高罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘于蒋蔡杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范贾夏孟秦薛]"
    r"(?:哥|姐|叔|婶|嫂|姨|伯|大爷|大娘|大妈|大姐|大哥|奶奶|爷爷|师傅)(?![家的们])|"
    # the people of temples and fairs, and of the fields and greenhouses (香客, 居士, 菜农)
    r"协管员|护路员|路政员|初中生|高中生|中学生|小学生|大学生|婆娘|老汉儿|娃儿|幺儿|老婆婆|香客|居士|信众|信徒|僧人|师父|和尚|尼姑|菜农|果农|棚户|种植户|瓜农|茶农|老爷子|小胖子|胖子|"
    # as the northeast says a fellow (大兄弟, 老铁, 哥们儿), not the group addressed (老铁们)
    r"大兄弟|老铁(?!们)|哥们(?:儿)?(?!们)|姐们(?:儿)?(?!们)|老妹(?:儿)?|小老弟|操作手|"
    # a mother or father named by the child's word (一个妈妈带俩孩子)
    r"妈妈|爸爸|宝妈|宝爸|"
    # as clinicians and the police write a patient: the sex, then the age (男，约60岁 / 女 82岁 / 男 62);
    # a caller's relative (呼救人称其父亲), an older woman or man called by kinship alone (大娘)
    r"(?<![\u4e00-\u9fff])[男女](?=\s*[，,、 ]\s*(?:约|大约|年约|年龄)?\s*[0-9]{1,3}(?:多|余)?(?:岁|周岁)|\s+[0-9]{1,3}(?:岁)?\s)|"
    r"其(?:父亲|母亲|父|母|妻子|妻|丈夫|儿子|女儿|子|女|老伴)|大娘|大婶|大伯|大嫂"
)
ZH_PERSON_RE = fastre.compile(ZH_PERSON)

# Cannot get back: trapped only with the water in the message (潮水, 涨潮, 路淹了; ZH_TIDE below).
ZH_CUT_OFF = ("回不去", "回不来", "上不了岸")

# Harm told by the body, for the injured and for "a body is meant" (Rules.bodily) alike:
# 满头是血 / 腿上全是血; 胳膊烫了 / 胳膊豁了; 拿刀划了另一个胳膊 / 长虫咬了脚脖子; 腿断了; 腿都摔变形了;
# 脚面肿起来了; 肩膀抬不起来 / 腰动不了 (not 腿动不了: said of one pinned in a car, who is trapped)
_ZH_BLOODY = r"(?:满脸|满头|一身|浑身|全身|(?:头|脸|腿|手|胳膊|脚|身)上|脸|头)(?:都|全)?是血"
_ZH_PART_HARMED = (r"(?:手|胳膊|腿|脚|脸|头|脑瓜子|脑瓜|脑袋|脑门子|脑门|脑壳|额头|手指|后背|背|肩膀)(?:都|也)?(?:被|给|遭)?"
                   r"(?:烫|烧|砸|扎|割|划|咬|炸|蹭|磕|砍|豁|卡(?=[坏伤])|打(?=[破伤坏断]))(?:伤|破|坏|了|着|烂|开|到)")
_ZH_HARM_TO_PART = (r"(?:划|砍|扎|捅|割|刺|炸|绞|轧|夹|咬)(?:了|伤|破|到|着)(?=[^，,。 ]{0,4}?(?:的)?"
                    r"(?:胳膊|手臂|手(?![机续套表工术艺])|[大小]?腿|脸|头(?!发)|脖子|肚子|后背|肩膀|眼睛|眼|脚(?!手架)))")
_ZH_LIMB_BROKEN = r"(?:胳膊|手|脚|手指|肋骨|锁骨|手臂|腰|骨头|腿)(?:估计|好像|可能|应该是|应该|像是)?(?:给|被)?[砸摔压撞轧打夹卡]?(?:断|折)"
_ZH_LIMB_TWISTED = r"(?:胳膊|手|脚|手腕|脚踝|腿)(?:都|也)?(?:给|被)?[摔砸压撞轧]?(?:得)?变(?:了)?形"
_ZH_SPRAINED = r"(?:脚|脚踝|脚脖子|手腕|手脖子|腰|脖子)(?:也|都)?(?:给|被)?(?:扭|崴)(?:了|到了|着了|伤了)"
_ZH_SWOLLEN = r"(?:腿|脚|手|胳膊|脸|脚脖子|脚面|脚踝|肩膀)(?:都|也)?肿(?:起来)?了|肿起来了|肿得(?:老高|厉害|很高|发亮)"
_ZH_PART_USELESS = (r"(?:胳膊|肩膀|腿)(?:都|也)?抬不起来|(?:腰|脖子)(?:都|也)?动不了|"
                    r"(?:左|右)(?:腿|脚|胳膊|手|手臂)(?:都|也)?(?:不能动|动不了)|(?:腿|脚|胳膊)(?:都|也)?不能动")
# Not waking when called (叫不醒, 喊不醒): unconscious
_ZH_UNWAKING = r"(?:叫|喊|唤)不醒"

_ZH_PREDICATES: tuple[tuple[str, str], ...] = (
    ("dead",
     r"宣(?:告|布)(?:临床)?死亡|死亡|身亡|遇难|丧生|罹难|殒命|(?<![愁累饿热笑气吓急烦困忙馋渴美乐闷挤懒齁臭丑冷晒疼痒憋怕想爱恨酸甜辣咸快要堵汰腥脏吵尬叽迹屈慕聊贵胖])(?<!快.)(?<!要.)(?<!快被.)(?<!要被.)(?<![蛇狗犬猫鼠蜂]打)(?<![蛇狗犬猫鼠蜂]被打)(?<![蛇狗犬猫鼠蜂]已打)(?<![蛇狗犬猫鼠蜂]已被打)(?<![蛇狗犬猫鼠蜂]已经打)(?<![蛇狗犬猫鼠蜂]已经被打)死了|去世|牺牲|不治|无生命体征|没有生命体征|没了呼吸|当场死亡|尸体|遗体|死者|"
     r"溺亡|遇难者|(?:男|女|无名)尸|没气了|没有气了|脸朝下|没有呼吸|没呼吸了|没有心跳|抢救无效|(?<=[人机者孩])没了|"
     # killed by what happened to them: 烧死, 砸死, 撞死, 淹死 (not 吓死, 累死, 笑死)
     # (我快冻死了 / 快要被压死了 is a cry for help from the living)
     r"(?<!快)(?<!要)(?<!快被)(?<!要被)(?:烧|淹|砸|撞|压|摔|炸|电|冻|闷|呛|熏|毒|轧|碾)死|没了气|断气|断了气|咽气|当场(?:就)?没了|当场(?:就)?不行了|没(?:能)?(?:抢)?救过来|(?<![0-9零〇一二两俩三四五六七八九十])人(?:已经|已|早就|早)没了(?![呼气意知动反])"),
    ("missing",
     r"失联|失踪|走失|生死不明|下落不明|失去联系|联系不上|(?:尚|仍|还)?未(?:能)?联系上|(?<!车主)找不到|不见了|未找到|没找到|没有找到|"
     r"没上来|没见上来|没再上来|(?:搜寻|寻找|搜|找)[^，,。]{0,8}(?:未见|不见|没见)(?:人|踪影)|(?:还|仍|至今)(?:没|没有|未)(?:被)?(?:捞|救|拉|打捞)(?:上来|起来|出来|到)|冲走|冲跑|卷走|找不着|(?:仍|还|正)在(?:搜寻|寻找|找)|少了(?:一|两|俩|三)?个|一宿没回|没回来|还没回(?=[，,。！! ]|$)|(?:手机|电话)(?:现在|一直)?(?:也)?关机了?|迷路|没拉上来|没联系上|联系不到|没找着|没捞着|不知去向|走丢|未归|(?<![^，,。！!\s发现])人不在了|(?:找|寻)(?:了)?(?:一圈|半天|个遍|一遍|好久|遍了)?(?:都|也)?(?:没有|没找到|没见着?)(?=[，,。！!\s]|$)|(?:还|一直|至今|到现在|一宿|一夜|一晚上?|放学后?|出去后?)(?:都)?(?:没|没有|未)回家(?!吃|睡|拿)|一直没看见|没(?:再)?(?:露头|冒头|浮上来|露出来)|不见踪影|没了踪影|没影了|没了影|"
     # out of sight in the water (ZH_OUT_OF_SIGHT: only where the water is named), a headcount one
     # short, separated from the family, not known to be out of the fire
     r"(?:已经|现在|再也)看不(?:见|到)(?:人)?了|看不(?:见|到)人了?(?=[，,。！!\s]|$)|(?:啥|什么)(?:也|都)看不见|(?:另外|另一)(?:一)?个(?:人)?(?:没|没有)看见|"
     r"(?:清点|点名)[^，,。]{0,4}少(?:了)?[0-9]{1,2}人|走散|(?<=[孩娃])(?:子)?丢了(?=[！!，,。 ]|$)|不知道(?:出来|逃出来|跑出来)没有"),
    ("trapped",
     r"被困|受困|围困|埋了|压了|困住|困在|困于|困了|困着|困(?=电梯|车里|屋里|楼里|家里|房里|山上|山里|洞里|井里|井下)|被堵(?:在|住)|被卡|(?<![门闸阀轮])卡住了|被夹|夹住|呼救|喊救命|没撤出|未撤出|没能撤出|"
     r"没有撤出|还在里面|仍在里面|没下来|没出来|没逃出|没跑出|被埋|埋压|埋在|被压(?![伤死折断坏])|压在|(?<![粉火])压住|卡在|(?<![门闸阀轮])卡住|出不来|困人|"
     r"埋进去|埋里面|埋里头|在井下|(?:水|海|河)(?:里|头)(?:扑腾|挣扎)|水面上(?:扑腾|挣扎)|人还能看(?:见|到)|还(?:能)?(?:看|瞅)(?:得)?(?:见|到)(?:人|他|她)(?![们家])|(?:仍|还)在(?:挖掘|挖|扒|刨)(?:中)?(?=[，,。！!\s]|$)|(?<=[人他她])(?:还)?在视线(?:内|里|范围内)|被潮(?:水)?(?:截|困|隔|堵)(?:在|住)?|反锁|锁在(?:车|屋|房)里|停在[^，,。]{0,10}之间|"
     r"(?:停|卡|悬|挂|吊)在(?:了)?半空|关(?:到|起)(?=[0-9一二两俩仨三四五六七八九十]|个|好几)|莫(?:得)?出来|(?<=[人他她])在(?:坑|井|沟|洞)底|(?:趴|抱|扒)在(?:帆板|冲浪板|板|船底|浮标|木板)上|(?<!查)封在|(?:枯井|机井|水井|窨井|井|坑|地洞|下水道|地窖)里(?:头|面|边)?(?=有(?:个)?人)|没能逃出|无法脱身|未能撤离|下不来|(?<![吃咽喝坐蹲睡车])下不去|出不去|压着|卡里面|卡在里面|卡里头|关在里面|关着|井下还有|还在井下|(?<![晕倒躺昏])在里头|在(?:屋顶|车顶|房顶|楼顶|树)上|爬(?:上|到)?(?:了)?(?:车顶|房顶|屋顶|楼顶|树上)|[拍堵](?:在)?里(?:头|面|边)|(?:里面|里头|屋里|楼里|车里|房里|舱里)(?:好像|可能|应该|估计|还)有(?:个|一个)?(?=老人|小孩|孩子|老太太|老头|大爷|工人|住户|婴儿|(?<=个)人\s*(?:[，,。！!]|$|正|在|呢|啊|喊|拍))(?![^，,。]{0,12}(?:不确定|不清楚|不知道|没出来|出不来|没逃出|被困|困在|下不来|没(?:有)?(?:被)?[抬拉救弄拽背抱扒挖捞]出来))|(?:里面|里头|屋里|楼里|车里|房里|舱里)(?:好像|可能|应该|估计)?还(?=有人(?![员家])\s*(?:[，,。！!]|$|正|在|呢|啊|喊|拍))|(?:里面|里头|屋里|楼里|车里|房里|舱里)(?:好像|可能|应该|估计)?(?=有人\s*(?:[，,。！!]|$|喊|拍|(?:正|正在)?(?:往下)?沉))|(?:底下|下面|下边)(?:还)?(?=有个|有一个)|(?:车顶|房顶|屋顶|楼顶)上?(?:还)?(?:站着|坐着|趴着|蹲着)|锁着(?=个|一个|孩子|小孩|人|老人)|不敢(?:下来|出来|下车)|(?<=[个人])在(?:底下|下面|下边|下头|里面|里头)(?![的])|掉冰窟窿|抱着桥墩|被潮水围|围住了|"
     # held where they are: 扣在车底下, 困在房顶, 抱着浮标, 被水围住
     r"扣(?:在|到)?.{0,3}(?:底下|下面)|扣住|被水围|"
     # not yet got out (还没弄出来, 没抬出来), still buried, still in the pit, holding on, banging on the glass
     r"没(?:有)?(?:被)?(?:抬|拉|救|弄|拽|背|抱|扒|挖|捞)出来|埋着|(?:仍|还)在[池井罐洞坑窖舱](?:内|里|中|下|底)|"
     r"(?:抓|扒|拽)着(?:树|树枝|缆绳|绳子|栏杆|船帮|船底|船|礁石)(?![^，,。]{0,6}(?:上岸|上来|爬上|出来|游回))|拍(?:打)?(?:车)?窗(?:户|玻璃)?|在扑腾|掉(?:进|到|下)?了?(?:枯井|机井|水井|窨井|井|坑|地洞|洞|下水道)(?:里|中|内|下)|抱着(?:树|木头|浮标|泡沫|救生圈|礁石|电线杆|漂浮物|艇|船|船底|轮胎)|吞进去|陷进去|陷在|被关在|被关(?:到)?(?:电梯|屋|车|房|厕所|卫生间)里|逃不出|跑不出|上不来|"
     r"在(?:房顶|楼顶|屋顶|车顶|树上)(?:上)?(?:等|喊|呼)|在[棚屋房车楼井洞坑窖](?:里头|里面|里边)(?![晕疼痛])|"
     # pinned under what fell (压底下了, 压着他呢), not got out (拉不出来), still down there (还在下面)
     r"[压砸埋](?:在)?(?:底下|下面|下边|下头)|压(?:着)?(?=[他她](?:了|呢|啦))|(?:拉|救|弄|抬|拽|拔|抽)不出来|"
     r"(?:还|都|仍|也)在(?:底下|下面|下边|下头|水里|里边|屋里|房里|楼里|车里|家里)|掉进去|掉下去|(?<=电梯)(?:卡|停)(?:住)?了|"
     # cut off by the tide: on a reef or a sandbar and cannot get back, or with the water rising
     # (ZH_CUT_OFF: only where the tide or the water is named; not 他今天回不来了 在外地出差)
     r"(?:礁石|礁盘|沙洲|沙滩|滩涂|江心|河心|小岛|岛)上?\s?(?:了)?\s?(?:回不去|回不来|上不了岸|下不来)|"
     + "|".join(ZH_CUT_OFF)),
    ("injured",
     r"受伤|受了伤|伤员|伤者|伤亡|接诊|收治|开瓢|挨了?(?:一|两|几)?刀|(?:捅|砍)了(?=[0-9一二两俩仨三四五六七八九十]|个)|吃坏(?:了)?肚子|(?<=人)去(?:了)?(?:医院|卫生院|卫生室|诊所|急诊)|轻伤|重伤|轻微伤|轻微受伤|烧伤|烫伤|灼伤|砸伤|压伤|撞伤|摔伤|跌伤|刺伤|割伤|划伤|擦伤|扭伤|咬伤|"
     r"呛伤|炸伤|冻伤|溅伤|被[^，,。 ]{0,3}溅(?:到|着|了)|骨折|流血|出血|中毒|中暑|昏迷|晕倒|昏倒|晕厥|休克|头晕|呕吐|腹痛|腹泻|胸闷|呼吸困难|抽搐|"
     r"不适|送医|就医|住院(?![部处楼])|伤了|伤势|伤情|(?:手|胳膊|腿|脚|手指|手指头)(?:被|叫|给)?(?:绞|卷|夹|轧|压)(?:了|断了?|伤了?)|要生了|见红了|羊水破了|(?<=[个人都全])(?:倒下了?|躺下了|躺倒了|躺着了)|(?<=[个人])(?:都)?不舒服|晒晕|热晕|冻晕|饿晕|(?:磕|摔|碰|撞)(?:青|紫)了?|晕(?:倒)?在(?=里头|里面|屋里|浴室|卫生间|洗澡间|地上)|晕(?:倒)?(?:在)?(?:炕|床|地)上|站不起来|出冷汗|趴着不动|意识丧失|丧失意识|体温(?:偏低|很低|过低)|头痛|头疼|恶心|咳嗽|咳得(?:厉害|很厉害|不行|喘不上气|直不起腰)|胸痛|胸口(?:疼|痛)|(?:腿|腰|胳膊|脚|脖子|后背|膝盖|肩膀)(?:很|特别|好|有点|挺)?(?:疼|痛)(?!快)|(?<![没未])见(?:了)?血|出现(?:了)?(?:[^，,。 ]{0,8}(?:等))?症状|乏力|刺痛|撞飞|被撞倒|撞倒|被撞伤|"
     # a fit, a clouded mind, a head that hit the ground, poison swallowed (as village doctors write: 口服敌敌畏的)
     r"抽(?:起来|过去)了|口吐白沫|意识(?:有点|有些)?模糊|(?:后脑|脑袋)(?:先)?着地|"
     r"(?:口服|误服|喝下|吞服)(?:了)?[^，,。 ]{0,4}(?:敌敌畏|百草枯|草甘膦|农药|老鼠药|鼠药|毒鼠强|安眠药|除草剂|杀虫剂)|"
     # Japanese that a factory's managers or a visitor type among Chinese: ケガ (hurt; not ケガ人, a tally of them)
     r"ケガ(?!人)|けが(?!人)|怪我(?!人)|"
     r"躺地上|倒地不起|不省人事|没有意识|失去意识|意识不清|神志不清|倒地|倒在(?!沙发|床|炕)|心脏病(?!史)|噎(?:着|住)(?:了)?|(?<![累烦闷气])(?<![累烦闷气]到)窒息|受轻伤|受重伤|烧烫伤|"
     r"熏晕|熏伤|熏倒|呛晕|呛着|电倒|被电|" + _ZH_UNWAKING + r"|一动不动|躺(?:着|起)不动|不动了|没动静|喘不上气|喘不过气|肚子疼|拉肚子|"
     r"上吐下泻|发烧|高烧|红肿|蜇伤|被蜇|抽筋|扎伤|挤压|哼哼|头破|腿断|腿折|起疹子|病倒|昏过去|晕过去|"
     r"压折|摔折|砸着|流了好多血|(?:烫|烧|伤|摔|砸|撞|炸|咬)得(?:不轻|很重|挺重|厉害|够呛)|(?<=人)躺着|皮外伤|擦破|(?:坠楼|(?<![牌物石块砖瓦板])坠落|摔下来)(?!死亡|身亡|致死)|"
     r"(?:被|叫|让|给|遭)[^，,。 ]{0,8}?(?:撞|刮|砸|烫|烧|咬|蛰|蜇|电|扎|割|划|夹|轧|碾|挤|戳|顶|踢|打|拱|踩|捅|砍|崩)(?:了|着|到|伤|倒|飞|破|断|穿)(?!死)|"
     # stabbed, cut, gored, a wrist cut, a jump from a height (捅伤, 砍了两刀, 顶伤一个人, 割腕, 从楼上跳下来)
     r"捅伤|砍伤|顶伤|拱伤|割腕|从[^，,。 ]{1,8}跳下来(?!玩)|砍了[一两三几]刀|"
     r"(?:手|脚|手脚|全身|浑身|舌头)(?:都)?发麻|(?<=[狗犬蛇马牛驴])(?:咬|踢|顶)(?:了|伤|倒)|"
     r"(?<=人)不行了|好像不行了|快不行了|没意识|没知觉|没反应了|(?:突然|一下子?)(?:就)?倒(?:了|下|地)|(?<![气头])晕了|"
     # hurt, told by the body or the harm: 挂彩, 胳膊断了, 摔着了, 嘴歪了, 抽抽, 烧着了
     r"(?:咬|撞|砸|捅|砍|踢)了(?=个|[我俺他她])|咬了(?=\s*(?:[，,。！!]|$))|挂彩|砸到|砸中|碰伤|磕伤|撞破|跌破|摔破|昏了过去|晕了过去|喘不上来气|浑身是血|受了点伤|受点伤|还有气|还有呼吸|误喝|误食|吃了.{0,6}(?:毒蘑菇|蘑菇|河豚|农药|老鼠药)|嘴麻|"
     r"(?:手|胳膊|腿).{0,2}(?:卷|绞|夹|轧)(?:进|入)|绞伤|夹伤|轧伤|病例|患儿|发热|皮疹|就诊|心梗|心肌梗|脑梗|中风|突发疾病|犯病|"
     + "|".join((_ZH_LIMB_BROKEN, _ZH_LIMB_TWISTED, _ZH_SPRAINED, _ZH_SWOLLEN, _ZH_PART_USELESS, _ZH_BLOODY)) + r"|失温|还有(?:一)?口气|低血糖|(?<=[都人])昏着|(?:一头|一下)?栽(?:倒|到|在)?地上|淌血|(?:后腰|腰|屁股|后背|后脑勺|后脑|脑袋|头|脸)(?:先)?着(?:的)?地|熏着|(?:吃|喝|吞)了(?:半|一|大半|小半|好几|几)(?:瓶|板|盒|片|粒|包)|喝了?(?:农药|敌敌畏|百草枯|老鼠药|药水)|送(?:到|去|进|往)?(?:了)?[^，,。 ]{0,6}?(?:医院|卫生院|卫生室|诊所|急诊)|摔着|磕破|碰破|碰倒|嘴歪|说不出话|(?:眼睛|眼)(?:疼得)?睁不开|抽抽|蛰伤|被.{0,3}蛰|(?:蜇|蛰)(?:了|伤|到|着)(?=[0-9一两俩仨三四五六七八九十]|个)|"
     r"(?:烧|砸|撞|划|扎|咬|烫|炸|熏|呛)(?:坏|破)了?(?:手|脚|腿|头|脸)|心脏不舒服|吐血|昏死|崴了|崴脚|脚崴|扭了脚|扭伤了|"
     # the body part, then the harm (胳膊烫了, 手被割破); the harm, then whose body (砍伤他后背)
     + _ZH_PART_HARMED + "|" + _ZH_HARM_TO_PART + "|"
     # lying still where one fell; 撞了三个人
     r"(?:躺|倒|趴)?(?:在)?(?:地上|路上|路边|路中间|地下)(?:躺着|趴着)?(?:一动)?不动(?:弹)?|不动弹|"
     # down and unable to get up; called and not answering
     r"(?:地上|摔倒了?|摔到了|摔了一跤|摔了|跌倒了?|倒下了?)\s*(?:就|也|半天)?起不来|(?:滑倒|绊倒|摔倒|跌倒|摔了一跤)[^。]{0,10}(?:爬不起来|起不来|动不了)|血止不住|止不住血|流血不止|(?:喊|叫)(?:他|她)?(?:也)?不(?:答应|应|吭声)|躺在(?:了)?(?:马路|路面|路|血泊|地面)(?:中间|上|边|里)?|"
     # clawed, pecked, kicked; blisters, bone showing, a gash, a lump; bleeding told loosely
     r"(?:抓|挠|啄|踩|踢|刮|蹭|碾|锯|铲)伤|中(?:了)?煤气|(?:手|脚|脸|皮肤|身上|胳膊|腿)上?起(?:了)?(?:水)?泡|骨头(?:都)?露(?:出来|在外面)|"
     r"流了(?:不少|好多|很多|一地|一些|好些|一摊)(?:的)?血|直吐|吐了一地|咬了(?:好几|几|一)口|(?:划|割|拉|豁|砍)了[^，,。 ]{0,4}口子|血(?:哗哗|呼呼|直流|一直流|流个不停)|起了(?:个)?(?:大)?包|"
     r"(?:撞|砸|炸|烫|烧|熏|呛|咬)(?:伤|倒|着|到|了)了?(?=(?:[0-9]{1,3}|[一二两三四五六七八九十]{1,3})[个名位人]|俩|仨)|(?:车|辆)[^，,。]{0,12}把[^，,。 ]{1,10}(?:撞|刮|带|蹭|碰)(?:倒|飞|伤|了)"),
)
# Out of sight is missing only where someone went into the water: in smoke or in the dark of
# a fire, 看不见了 is the caller's view, not a person gone.
ZH_OUT_OF_SIGHT = re.compile(r"看不(?:见|到)")
ZH_WATER = fastre.compile(r"落水|(?:掉|跳)(?:进|到|下)?(?:了)?(?:水|河|海|江|湖|池塘|水库|水渠|渠)|水面|水里|河里|海里|江里|湖里|塘里|冲走|扑腾|池塘|水塘|鱼塘|水库|冰窟窿|排水渠|水渠")
ZH_TIDE = fastre.compile(r"涨潮|潮水|海水|水(?:还在|一直|越来越)?涨|淹了")
# Pits, wells, tanks and cellars: who has not come up from one is trapped down there.
ZH_CONFINED = fastre.compile(r"井|窖|(?:污水|沼气|化粪|粪|清粪|沉淀|蓄水)池|罐|地洞|坑|电梯|轿厢")
ZH_PRED = fastre.compile("|".join(f"(?P<{k}>{p})" for k, p in _ZH_PREDICATES))
# Predicates that name a part of the injured (5人受伤（2人重伤）, 3人住院) …
ZH_SUBSET_PRED = fastre.compile(r"送医|就医|住院|送(?:到|去|进|往)?(?:了)?[^，,。 ]{0,6}?(?:医院|卫生院|卫生室|诊所|急诊)|重伤|昏迷|没有意识|失去意识|意识不清|不省人事|" + _ZH_UNWAKING + "|昏过去|晕过去|没意识|没知觉")
# … and 伤情 / 伤势 told grave (现共3人受伤，1人伤情较重: one of the three)
ZH_GRAVE_AFTER = re.compile(r"(?:较|比较|很|特别|十分)?(?:重|严重|危重)")
# … except 重伤 set against 轻伤 (2人轻伤1人重伤 is 3).
ZH_SUBSET_PRED_NOT_SEVERE = fastre.compile(r"送医|就医|住院|送(?:到|去|进|往)?(?:了)?[^，,。 ]{0,6}?(?:医院|卫生院|卫生室|诊所|急诊)|昏迷|没有意识|失去意识|意识不清|不省人事|" + _ZH_UNWAKING + "|昏过去|晕过去|没意识|没知觉")

# 3人 / 一名 / 十余名 / 二十多名 / 老两口 / 一具: a number with a person classifier.
ZH_COUNT = fastre.compile(
    # (a colon after a digit is a clock's, 3:20; after a word it opens a field, 报告:十来个人)
    rf"(?<![0-9{_N}A-Za-z第.+\-#])(?<![0-9]:)(?:约|大约|近|至少|超过|共|共有|有)?"
    rf"(?P<num>[0-9]{{1,4}}|[{_N}]{{1,5}})(?P<approx>余|多|来|几)?(?P<cl>名|个|位|口|人|具|例(?=[，,。；; ]|$|患|病))"
)
# 个 counts people only before 人, a person noun, a predicate (其中1个已经抽搐), a rescue
# (一个已经挖出来了) or the end of the clause (死了2个); not 一个坑, 4个村, 4个小时.
ZH_GE_IS_PERSON = re.compile(
    rf"人|.{{0,4}}(?:{ZH_PERSON})|[^，,。 ]{{0,8}}的(?:{ZH_PERSON})|(?:腿|头|手|胳膊|脚|脸|腰|嘴|嘴角|鼻子|眼睛|额头|脑袋|肚子|后背|背)?(?:上|部)?(?:已经|已|都|也|还|又|正在|在)?"
    # (…or by what did it: 其中一个已经被浪卷走了, 一个叫水冲走了)
    rf"(?:(?:被|叫|让|给)[^，,。 ]{{1,2}}?)?(?:{ZH_PRED.pattern})|"
    r"\s*(?:[，,。！!？?；;]|$)|(?<=[个])\s+(?=[\u4e00-\u9fff])|"  # 死了一个 伤了四个: a space ends a spoken clause
    r"了\s*(?:[，,。！!？?；;\s]|$)|"  # 吐了的已经十来个了: a tally, said at the clause's end
    r"(?:已经|已|都|也|还|又)?(?:自己)?被?(?:救出|获救|挖出|救起|救上|抬出|找到|联系上|刨出|(?:游|爬|走|跑)(?:回来|出来|上来|上岸))|"
    # where they are held or lie: 两个挂在架子上, 一个躺在地上
    r"(?:已经|已|都|也|还)?(?:挂|吊|卡|困|压|埋|躺|趴|泡|漂)在"
)
# 俩 / 仨 carry their classifier: 俩孩子, 仨人.
# Also before any job word (俩护林员, 仨开车的) and alone at the end of a spoken clause (死了仨).
ZH_PAIR = fastre.compile(
    rf"(?<![0-9{_N}])(?:俩|仨)(?=人|(?:{ZH_PERSON})|[\u4e00-\u9fff]{{1,3}}(?:员|工|的)|\s*(?:[，,。！!；;\s]|$)|"
    # …or straight before what happened to them: 还有俩找不着, 仨被埋了
    r"(?:都|也|还|已经)?(?:找不|没找|失联|失踪|被|受伤|死|伤了|困|埋|压|卡|出不|下落|没上来|没出来|爬(?:到|上))"
    # …or where they are (俺们仨在山里迷路了)
    r"|在(?=[^，,。]{1,8}(?:迷路|被困|困|出不来|下不来|上不来|走不了)))"
)
# A clause that is only a number of people, at the end: "…出不来 有三个", "…得有二十来个".
# Also hedged (估计三四个, 起码俩), or where they are (上面两个人, 一共三个老人).
ZH_TRAILING_COUNT = re.compile(
    rf"(?:^|[，,。；; ])(?:有|得有|共|一共|总共|大概|大约|约|估计|可能|好像|起码|至少|上面|上头|里面|里头|车上|船上|屋里|底下|下面)?"
    rf"(?:还)?(?:有)?(?:(?P<num>[0-9]{{1,3}}|[{_N}]{{1,4}})(?:来|多|余)?(?:个人|个(?:[\u4e00-\u9fff]{{0,2}}(?:{ZH_PERSON}))?|名|人)|(?P<pair>俩|仨))"
    # …then maybe where, in a clause of its own: "四个大学生 在老君山北坡", "三四个 在红旗路公交站"
    r"(?:吧|左右|了|啦)?(?:[\s，,]+在[^\s，,。！!？?0-9]{2,20})?[\s。！!]*$"
)
# A couple or a pair of kin is two people: 一对老夫妻, 夫妻俩, 母子二人 (老两口 is a ZH_COUNT).
ZH_COUPLE = fastre.compile(
    r"一对(?:老|小|年轻)?(?:夫妻|夫妇|母子|父子|母女|父女|兄弟|姐妹|姐弟|兄妹|情侣|老人)|"
    r"(?:夫妻|夫妇|母子|父子|母女|父女|兄弟|姐妹|姐弟|兄妹)(?:俩|两个|二人|两人)|(?:娘|爷|娘儿|爷儿|哥|姐|兄弟|姐妹)俩"
)
# "一男子/一村民" without a classifier is written-style for one person.
# Not where the person only says whose place it is: 一养殖户家中, 一村民家门口, 一商户店内.
ZH_ONE = fastre.compile(rf"(?<![0-9{_N}第])一(?=(?:{ZH_PERSON})(?![家院门店屋棚]))")
# Two people joined by 和/与/跟 (老母亲和小孙子, 司机与乘客), or two kin each with their
# possessor (俺爹俺娘); not a person and what they are (骑电动车的小伙子, 开车的老头: one).
_KIN = r"(?:我|俺|咱|他|她)(?:家)?(?:爹|娘|爸|妈|爷爷|奶奶|爷|姥姥|姥爷|叔|婶|哥|姐|弟|妹|儿子|闺女|孙子|孙女|媳妇|男人|老伴)"
ZH_TWO_PEOPLE = fastre.compile(
    rf"(?:{ZH_PERSON})(?:和|与|跟|同|、)[^，,。 和与跟同、]{{0,2}}?(?:{ZH_PERSON})|{_KIN}{_KIN}"
)
# 有人: one person the sentence may come back to, but not a number anyone wrote.
# (Its lookbehinds defeat fastre's first-character guess: the guard is written out.)
ZH_SOMEONE = re.compile(
    r"(?=[有砸撞压人埋关个])(?:"
    r"(?<![没无所])有(?:个)?人(?!员|家|数)|(?:砸到|砸中|撞到|压到)了?[^，,。 ]{0,4}?的人(?![员数家])|"
    r"(?:(?<=车里)|(?<=屋里)|(?<=家里)|(?<=船上)|(?<=车上))人(?=[受被都还已没])|(?<![没无所])有个(?=(?:小伙子?|老人|老头|老太|孩子|小孩|男的|女的|大爷|大妈|娃|人|" + ZH_PERSON + r"))|"
    r"(?:^|(?<=[\s，,。]))人(?=被?(?:冲|卷|淹))|(?:压着|砸着|砸到|埋着|关着)(?:个)?人|压着?[他她](?=了|呢|啦)|(?<=进去|下去|过去|进来|下来|过来|站着|坐着|趴着|蹲着|锁着|困着|关着|躺着|倒着|咬了|撞了|砸了|捅了|砍了|踢了)个(?=小伙|老人|老头|老太|孩子|小孩|男的|女的|大爷|大妈|娃|人|[^，,。 ]{1,4}的(?:孩子|小孩|学生|人|老人))|(?:^|(?<=[\s，,。]))人(?=被?(?:卡|压|埋|困|关|躺|昏|晕|倒|没气|不行|不动))"
    r")"
)
# 几个 / 多人 / 数名: people, but no figure.
ZH_VAGUE = fastre.compile(r"(?:好几|几十|几|数十|数|若干|不少|许多|一些|部分|大批|多)(?:名|个|位|人)")
# 一死两伤 / 2死5伤 / 1死3伤2失联
ZH_COMPACT = fastre.compile(rf"(?<![0-9{_N}])(?P<num>[0-9]{{1,3}}|[{_N}]{{1,3}})(?P<kind>死|伤|失联|失踪)(?![亡者员口痕心])")
COMPACT_KINDS = {"死": "dead", "伤": "injured", "失联": "missing", "失踪": "missing"}
# SMS and pager shorthand puts the state first: 困1 伤2, 压1人, 埋2, 伤十来个, 死1伤3 —
# the state word standing alone (after a space, a mark or another such figure), then the number.
_STATE_FIRST = (rf"(?P<kind>死|亡|伤|困|埋|压|失联|失踪)(?P<num>[0-9]{{1,3}}|[{_N}]{{1,3}})(?:来|多|余)?(?:人|名|个)?"
                r"(?=$|[\s，,。；;！!、]|[死伤困埋压亡]|失联|失踪)")
ZH_COMPACT_STATE_FIRST = fastre.compile(r"(?:^|(?<=[\s，,。；;！!：:、共]))" + _STATE_FIRST)  # (现共困7人)
ZH_COMPACT_STATE_FIRST_NEXT = re.compile(_STATE_FIRST)  # the next figure of a chain: 死1|伤3
COMPACT_STATE_FIRST_KINDS = {"死": "dead", "亡": "dead", "伤": "injured", "困": "trapped", "埋": "trapped",
                             "压": "trapped", "失联": "missing", "失踪": "missing"}

# Clauses split at punctuation and spaces, not at 、 (2名老人、1名儿童受伤 is one list),
# and before 其中/另有/还有…, which start a new statement even without a comma.
ZH_CLAUSE_SEP = fastre.compile(
    r"[，,。；;！!？?\n\r\t ]|(?<!\d)[:：]|[:：](?!\d)|(?<!井下)(?=其中|另有|还有|另外|目前|其余|仍有|尚有)"
)
# Died after treatment: counted among the injured before.
ZH_DIED_LATER = re.compile(r"抢救无效|经抢救.{0,4}(?:死亡|身亡)|送医后.{0,6}(?:死亡|身亡|不治|去世)|在医院.{0,4}(?:死亡|去世)")
# (and near misses: 差点晕倒, 险些被埋 — what nearly happened to someone did not)
# (没两分钟, 没一会儿: how soon, not a denial)
ZH_NEGATION = fastre.compile(r"(?:无(?!法|主|名|证|牌|照|人机)|没(?![一两几半]?(?:分钟|会儿|多久|多大会))|未|毫无|并无|暂无|不见|防止|预防|以防|谨防|严防|防范|避免|以免|别让|不要让|小心|差点|差一点|险些)[^，,。；;]{0,6}$")

# --- English --------------------------------------------------------------------------

EN_PERSON = (
    # a colleague called the Chinese way in English (Lao Wang, Xiao Li)
    r"(?:lao|xiao) [a-z]+|people|persons?|residents?|workers?|staff(?: members?)?|crew(?: members?|men)?|passengers?|kids?|children|child|"
    r"students?|villagers?|tourists?|swimmers?|miners?|men|man|women|woman|boys?|girls?|drivers?|occupants?|vendors?|"
    r"fishermen|fisherman|patients?|victims?|pupils?|elderly|others|adults?|employees?|guests?|customers?|"
    r"firefighters?|officers?|hikers?|family members?|visitors?|pedestrians?|cyclists?|teenagers?|divers?|anglers?|"
    r"shoppers?|spectators?|seniors?|individuals?|babies|baby|infants?|riders?|motorcyclists?|guards?|labou?rers?|"
    r"operators?|teachers?|climbers?|campers?|sailors?|someone|somebody|tenants?|neighbou?rs?|elders?|"
    r"mothers?|fathers?|mums?|moms?|dads?|sons?|daughters?|wife|wives|husband|grandmother|grandfather|grandma|grandpa|toddlers?|"
    r"farmer|owner|homeowner|shopkeeper|nurse|doctor|security guard|lorry driver|truck driver|"
    r"passer-by|bystander|he|she|soldiers?|troops|trainees?|recruits?|cadets?|guys?|folks|cooks?|"
    r"chefs?|waiters?|waitress(?:es)?|clerks?|cleaners?|porters?|passers-?by|"
    r"friends?|roommates?|flatmates?|colleagues?|buddy|brothers?|sisters?|uncles?|aunts?|aunties|aunty|auntie|cousins?|grandsons?|"
    r"granddaughters?|boyfriend|girlfriend|partner|grandparents?|parents?|"
    r"cashiers?|volunteers?|classmates?|couriers?|teammates?|housemates?|coworkers?|co-workers?|pob|ppl|pts?|"
    # a ship's crew by rank (one AB, the bosun) and the dock gangs
    r"abs?|bosuns?|oilers?|stevedores?|lashers?|"
    # the lads, the techs on a turbine, a bloke
    r"lads?|lass(?:es)?|techs?|blokes?|fellas?|deckhands?|"
    # site trades, one of them named alone (a surveyor bitten, the rigger hit)
    r"surveyors?|inspectors?|supervisors?|contractors?|instructors?|riggers?|welders?|engineers?|electricians?|mechanics?|"
    # a school's year groups (3 of our Grade 10s, two Year 9s)
    r"(?:grade|year|form) ?\d{1,2}s|"
    # unknown nouns that look like people: stallholders, motorists, technicians
    r"[a-z]+(?:holders|keepers|ers|ists|ians|ees|men|women|man)|[a-z]{4,}(?:ist|ian)|grandad|granddad|granny|nan"
)
EN_PERSON_RE = fastre.compile(rf"\b(?:{EN_PERSON})\b")
_EN_SINGULAR = (
    r"(?:lao|xiao) [a-z]+|surveyor|inspector|supervisor|contractor|instructor|rigger|welder|engineer|electrician|mechanic|man|woman|boy|girl|child|kid|baby|toddler|driver|cyclist|pedestrian|worker|resident|passenger|tourist|"
    r"swimmer|miner|victim|patient|student|fisherman|motorcyclist|rider|hiker|climber|villager|vendor|mother|"
    r"father|son|daughter|wife|husband|someone|somebody|teenager|pupil|surfer|diver|angler|farmer|owner|"
    r"occupant|operator|guard|casualty|person|customer|cook|soldier|firefighter|officer|nurse|teacher|"
    r"passer-by|bystander|he|she|lady|guy|neighbou?r|elderly man|elderly woman|old man|old lady|other|crewman|crew member|"
    r"seaman|boatman|deckhand|friend|roommate|flatmate|colleague|buddy|brother|sister|uncle|aunt|auntie|aunty|cousin|grandson|"
    r"granddaughter|boyfriend|girlfriend|partner|grandmother|grandfather|grandma|grandpa|mom|mum|dad|mama|papa|"
    r"grandad|granddad|granny|technician|electrician|mechanic|engineer|welder|fireman|lifeguard|guest|staff member|"
    r"kayaker|paddler|rafter|boater|skier|snowboarder|jogger|runner|walker|hunter|biker|camper|trekker|male|female|"
    r"stevedore|docker|dock worker|labou?rer|sailor|seafarer|porter|cleaner|janitor|caretaker|watchman|fitter|rigger|"
    r"crane driver|forklift driver|contractor|apprentice|intern|pt|mr|mrs|ms|volunteer|medic|paramedic|"
    # the crews, yards, courts and stages a report comes from (a steward, the oiler, one picker)
    r"steward|stewardess|cadet|oiler|bosun|boatswain|picker|packer|player|spectator|athlete|referee|courier|cashier|"
    r"clerk|waiter|waitress|chef|visitor|tenant|pilot|instructor|coach|trainee|policeman|policewoman|inmate|prisoner|"
    r"dancer|singer|performer|skater|golfer|farmhand|herder|shepherd|gardener|plumber|painter|builder|carpenter|"
    r"bricklayer|scaffolder|roofer|attendant|receptionist|housekeeper|maid|nanny|babysitter|caregiver|carer|midwife|"
    r"lad|lass|tech|bloke|fella"
)
# One person named without a number: "a cyclist knocked down" is 1; "old people stuck" is unknown.
EN_ONE_PERSON = fastre.compile(rf"\b(?:{_EN_SINGULAR})\b")
# Where a singular person is the subject ("Child fell…", "The driver…"), not "mother has burns".
EN_SUBJECT_BEFORE = re.compile(r"(?:^|[.!?:]\s*|\b(?:the|this|that)\s+)(?:[\w-]+\s+)?$")

# Who a blow landed on, right after the verb: a person with an article, a number or "one of
# the …", or him / her (casualties._pair counts one where no number is given).
_EN_VICTIM = (
    r"(?:(?:the|a|an|my|our|his|her|their|this|that|one of (?:the|our|my|his|her|their|them)|one|two|three|four|five|six|\d+)\s+"
    rf"(?:[\w'-]+\s+)?(?:{EN_PERSON})\b|(?:him|her)\b)"
)
EN_VICTIM_AFTER = fastre.compile(r"\s*" + _EN_VICTIM)

_EN_PREDICATES: tuple[tuple[str, str], ...] = (
    ("dead",
     r"dead|(?<!engine )(?<!battery )(?<!phone )(?<!motor )(?<!generator )died|killed|dead body|body found|fatalit(?:y|ies)|deaths?|deceased|lost (?:his|her|their) li(?:fe|ves)|"
     r"bodies|body recovered|body of|bod(?:y|ies) (?:was |were |has been |have been |had been )?(?:recovered|found|pulled out|retrieved|washed up)|drowned|not breathing|no pulse|no signs of life|didn't survive|did not survive|"
     r"neither survived|none survived|(?:didn'?t|did not|won'?t|hasn'?t|has not) (?:make|made) it|passed away|pronounced dead|lifeless|died at the scene|doa|dead on arrival"),
    ("missing",
     r"(?:hasn'?t|haven'?t|has not|have not) (?:yet )?been found|missing(?! (?:the|a|an|my|our|your|his|her|their|out|you|it)\b)|unaccounted(?: for)?|lost contact|not (?:yet )?(?:been )?found|can't be found|cannot be found|"
     r"didn't surface|not surfaced|(?:didn'?t|hasn'?t|has not|did not|never) come (?:back )?up|never came (?:back )?up|overdue|haven't come back|didn't come back|not recovered|"
     r"can'?t see (?:him|her|them)(?: anymore)?|(?:can'?t|cannot|could not|couldn'?t) find (?:him|her|them)|cannot see (?:him|her|them)|not seen since|lost sight of|"
     r"no sign of (?:him|her|them)|swept away|washed away|carried away|disappeared|vanished|gone under|went under|"
     # overboard (as a cry or a report only: casualties.EN_OVERBOARD_CRY), last seen, never came
     # back (also as typed without the apostrophe), not seen
     r"(?:man|person|crew ?man|crew member|passenger) overboard(?! (?:drill|exercise|recovery|training|procedure|case))|"
     r"mob(?! (?:drill|exercise|recovery|training|procedure|practice|boat|team))|last seen|never came back|washed (?:off|overboard)|"
     r"(?:hasn'?t|haven'?t|didn'?t|has not|have not|did not) (?:come|came) back|not seen(?=\s*(?:$|[.,;!?]|since|again|for\b))|"
     # not back (not "has not returned my calls"), wandered off, a relative nobody can find
     r"(?:hasn'?t|haven'?t|didn'?t|never|not) returned"
     r"(?! (?:my|the|his|her|our|their|a|an|any|calls?|messages?|emails?|texts?|it|them)\b)|wandered off|"
     r"(?:can'?t|cannot|could not|couldn'?t) find (?:our|my|his|her|their) (?:son|daughter|child|kid|boy|girl|baby|"
     r"mum|mom|dad|father|mother|grandma|grandpa|grandmother|grandfather|husband|wife|friend|brother|sister)s?|"
     r"unaccounted(?: for)?|not (?:yet )?accounted(?: for)?|(?:got|are|were|is|was) lost\b|lost on\b|still not (?:yet )?see\b|not see (?:him|her|them)\b|(?:hasn'?t|has not|haven'?t|have not) been seen|nobody has seen (?:him|her|them)"),
    ("trapped",
     r"trapped|stranded|stuck|going under|(?:can'?t|cannot|unable to) get back (?:onto|on to|up onto|up)\b|(?:getting|being) dragged (?:straight |right )?out|(?:dragged|sucked|swept|pulled) (?:straight |right )?out (?:to sea|past|beyond)|caught in (?:a |the )?rip|pinned|buried|(?:can'?t|cannot|could not|couldn'?t|unable to) (?:leave|get away|get off|go out|walk out)|cut off by (?:the )?(?:rising )?(?:water|floods?|floodwaters?|tide|river|sea)|can't get out|cannot get out|unable to get out|still inside|"
     r"still in there|inside still|still down there|can't climb out|cannot climb out|unable to climb out|"
     r"can't get down|cannot get down|clinging|holding onto|on (?:the |a |their |our )?roofs?|(?<!slipped )(?<!fell )(?<!tripped )(?<!aground )on the rocks|under the rubble|"
     r"under (?:the )?debris|(?:is|are|was|were|still|stuck|pinned|buried|worker|man|woman|person|driver|someone|somebody) under (?:the |a |some )?(?:\w+ )?(?:bricks|rubble|wall|roof|slab|beams?|rocks?|boulders?|truck|lorry|tractor|van|car|bus|machine|shelving|racking|boxes|pile|planks|sheets|poles?|scaffold\w*|pipes?|girders?)\b|cut off by the tide|can'?t escape|cannot escape|unable to escape|marooned|wedged|"
     r"locked in|surrounded by (?:flood ?)?water|not (?:yet )?out(?: yet)?|still underground|haven'?t come out|"
     r"fell (?:in|into|down) (?:the |a |an )?(?:\w+ )?(?:well|pit|hole|shaft|manhole|drain|sinkhole|silo|tank|hopper|cellar|vat)|"
     r"underneath(?! \w*\s*(?:injured|hurt|killed|dead))|under (?:it|them|him|her)|(?<!person )in the water|(?<!person )(?<!fall )(?<!fell )(?<!falls )in water|"
     r"(?:believed|thought|feared) (?:to be )?inside|(?:left|locked) in (?:a |the )?(?:hot |locked )?(?:car|vehicle)|"
     r"(?:man|woman|child|kid|boy|girl|grandma|grandpa|grandmother|grandfather|someone|somebody|driver|worker|person|operator|passenger) (?:still )?inside\b(?! (?:unaccounted|missing|not accounted))|cannot reach (?:him|her|them)|can'?t reach (?:him|her|them)|"
     # cut off by the tide or the waves: on the rock, cannot get back to shore, swam out and cannot come back
     r"on the rock|(?:can'?t|cannot|can not|could not|couldn'?t|unable to) (?:go|get|come|swim|walk) back to (?:the )?(?:shore|beach|land|coast|boat)|"
     r"(?:was|were|is|are|get|got) trap|(?:can'?t|cannot|can not|could not|couldn'?t) come out|"
     r"(?:swim|swims|swam|swimming)(?: out| off| away)? and (?:can'?t|cannot|can not|could not|couldn'?t) (?:come|get|swim) back|"
     # held where they are: hanging onto a buoy, banging on the door, shouting from the bottom,
     # lost on the hill or blown out to sea with no way back
     r"still (?:in|inside) (?:his|her|their|the) (?:car|vehicle|cab|truck|van|wheelhouse|cabin|hold|tank|pit|well|lift|elevator|basement|cellar|house|flat|room)\b|"
     r"hanging on(?:to)?|locked inside|in difficulty|on (?:the )?(?:upturned |capsized )?(?:hull|keel)\b|down (?:in|inside) (?:the |a )?(?:pit|well|shaft|tank|manhole|sewer|hold|silo)\b|(?:not|didn'?t|did not|never) come out\b|drifting (?:away|out)(?: to sea| from (?:the )?(?:beach|shore))?|(?:see|seen|spotted) (?:him|her|them) in (?:the )?water|seen (?:swimming|waving)|"
     r"waving (?:his |her |their )?arms|banging on the (?:door|window|glass|hatch)|shouting from (?:the )?(?:bottom|inside|down there|below)|"
     r"(?:can'?t|cannot|can not|could not|couldn'?t|unable to) (?:find (?:their|our|his|her|my) way|paddle|row) back"),
    ("injured",
     r"injur(?:ed|ies|y)|hurt|wounded|burns|burned|burnt|cuts|bruises|hospitali[sz]ed|taken to hospital|"
     r"sent to hospital|sick|ill|unconscious|collapsed|poisoned|(?:food |gas |carbon monoxide |co |chemical )?poisoning|splashed|irritation|casualt(?:y|ies)|bleeding|fractur(?:es?|ed)|"
     r"broken (?:leg|arm|bones?)|(?:arm|leg|wrist|ankle|hip|ribs?|collarbone|nose|jaw) (?:is |was |looks |seems )?(?:broke|busted)\b|seriously|critically|badly|severely|knocked down|overcome by|heat ?stroke|"
     r"suffering|symptoms|in critical condition|hit by|struck by|run over by|knocked over by|treated|(?:neck|back|chest|head|leg|arm|hip|knee|shoulder|stomach|abdominal|ankle) pain|breathing (?:problems|difficulties)|"
     r"(?:smoke )?inhalation|concussion|scalded|electrocuted|vomiting|diarrho?ea|nausea|dizzy|dizziness|unwell|"
     r"fainted|passed out|bitten|admitted(?: to hospital)?|not breathing|unresponsive|no pulse|wounds?|"
     r"head injury|cuts? to|cut by|coughing|short of breath|overcome|critical|(?<=fall |fell )down|down(?=\s*(?:$|[^\w\s]|and\b|not\b|unconscious|on the (?:floor|ground|deck)))|not moving|(?:isn'?t|wasn'?t|is not|was not) moving|can'?t put (?:any )?weight on|(?<=s )hit(?=\s*[,.;!]|\s*$)|blood (?:on|down|all over) (?:his|her|their|the) (?:face|head|collar|shirt|arm|leg|hand)s?|(?:took|taken|had|has had) a (?:nasty |bad |big )?(?:tumble|fall)\b|(?:ankle|knee|leg|wrist|back|hip)(?:'s| is| has)? (?:gone|done|busted|snapped|shot)\b|puking|throwing up|spewing|out cold|not answering(?! (?:the |his |her |their |my |our |any )?(?:phone|calls?|radio|door|messages?|texts?))|covered in blood|lying|chest pain|"
     r"stroke|drowsy|in hospital|fever|rash|measles|cases|sent home|sent to the nurse|burned|broken leg|"
     r"seizures?|heart attack|fitting|chest pains?|head cut|in shock|bruised|scratches|sprained|gash(?:ed)?|"
     r"can'?t get up|cannot get up|unable to get up|can'?t stand up|choking|turning blue|(?:can'?t|cannot|can not) breathe|lips (?:are |turning |turned |gone )?blue|(?:can'?t|cannot|cant|can not|unable to) (?:move|feel) (?:his |her |their |my |both )?(?:legs?|arms?)|can'?t walk|cannot walk|"
     r"crushed (?:his |her |a |the )?(?:hand|leg|foot|arm|fingers?|chest)|"
     # as learners write it: a snake "bite my friend", "he no move", "blood from head", "vomit", "belly pain"
     r"bites? (?=(?:my|his|her|our|a|an|the) (?:friend|son|daughter|wife|husband|child|kid|boy|girl|man|woman|colleague)\b)|"
     r"(?<=he )no move|(?<=she )no move|blood from (?:his |her |the )?(?:head|nose|mouth|ears?|leg|arm)|vomit|belly (?:pain|ache)|"
     r"bites? (?:on|to) (?:his|her|their|my|the) (?:\w+ )?(?:leg|calf|arm|hand|face|ankle|thigh|foot|finger|neck)s?|"
     r"(?:arm|hand|leg|foot|finger|head|face|chest|rib)s? (?:is |was |are |were |got |has been |have been )?(?:crushed|bleeding|badly cut|cut|burned|burnt|scalded)|"
     r"(?:hit|struck) (?:on|in) the (?:head|face|chest|back)|(?:arm|hand|leg|foot|finger)s? (?:was |got |is )?(?:caught|crushed|trapped|stuck) in|"
     r"(?:arm|leg|ankle|wrist|hip|nose|bone|foot|hand)s? (?:is |are |looks |look |seems |might be |may be )?broken|stings?|stung|swelling|swollen|"
     r"can'?t breathe|struggling to breathe|not waking up|won'?t wake up|not responding|swallowed|gored|in surgery|"
     r"broken (?:ankle|wrist|hip|nose|ribs?)|(?:cut|broke|hurt|burned|burnt|scalded|injured|twisted) (?:his|her|their|my) "
     r"(?:arm|leg|hand|head|face|foot|ankle|wrist|back|neck|finger|hip|rib|knee|shoulder|collarbone|jaw|skull)s?|"
     # stabbed, knocked off a bike, run over, fallen from a height (not "knocked off work",
     # "the meeting may run over")
     r"stabbed|slashed|knocked off (?:his|her|their|a|the) (?:bike|bicycle|scooter|motorbike|motorcycle|e-?bike|feet)|"
     r"(?:was|were|been|got|being|is) run over|ran over (?:him|her|them)|"
     r"fell (?:off|from|down) (?:the |a |an |his |her |their )?(?:\w+ )?(?:scaffold\w*|ladder|roof|stairs|balcony|bike|horse|wall|cliff|ledge|mezzanine|platform)|"
     # English as translation apps and learners write it: was burn, go hospital, blood very much,
     # sleep not wake up
     r"(?:was|were|is|are|got|get) (?:burn|injure|wound)|(?:go|goes|went|send|sent) (?:to )?hospital|"
     # …and a person who "collapse" in the learner's present (worker collapse on quay; not a building's)
     # (the person checked behind the word, so the list keeps its first-character filter: fastre)
     r"collapse(?:(?<=worker collapse)|(?<=man collapse)|(?<=woman collapse)|(?<=he collapse)|(?<=she collapse)|"
     r"(?<=guy collapse)|(?<=crew collapse)|(?<=ab collapse))\b(?! of)|"
     r"(?:much|lots of|a lot of) blood|blood (?:very much|very many|everywhere|all over)|"
     r"not wake(?: up)?|(?:can'?t|cannot|could not|couldn'?t) wake (?:him|her|them|up)|"
     # hurt told by the blow or the body: hit his head, a cut face, knocked flat, hypothermic, feels faint
     r"(?:hit|banged|bumped|struck|cracked) (?:his|her|their|my) head|(?:a )?cut (?:face|head|hand|arm|leg|lip)|"
     r"cut (?:in|on) (?:the |his |her |their |my )?(?:arm|leg|hand|head|face|finger|foot|neck|back)s?|"
     r"knocked (?:over|flat|out|unconscious)|bloody nose|black eye|nosebleed|(?:deep|nasty|bad|big) (?:cut|gash)|hypothermi(?:c|a)|(?:feels?|felt|feeling) faint|lacerations?|heat exhaustion|"
     # dispatchers' shorthand: 1 inj, head lac, 2 residents SOB (short of breath), c/o back pain; a dog bit 3 kids
     r"(?:got|get|gets|has|have|had) (?:\w+ )?(?:acid|bleach|caustic|chemicals?|lye) (?:on|in) (?:their|his|her|my|the) |inj|injd|lacs?|sob|c/o (?:\w+ )?pain|(?<!a )(?<!little )bit (?=(?:my|his|her|a|an|the|\d+|two|three|four|five|six) )|"
     # the blow told with its victim as the object: "the car hit a cyclist", "a branch hit one of
     # the dads", "a sign struck two women" (the victim must follow: "hit the wall" names nobody)
     rf"(?:hit|struck|knocked down|ran over|mowed down|landed on|fell on(?:to)?) (?={_EN_VICTIM})"),
)
EN_PRED = fastre.compile(r"\b(?:" + "|".join(f"(?P<{k}>{p})" for k, p in _EN_PREDICATES) + r")\b")
# Predicates that name a part of the injured: "2 seriously", "6 hospitalised".
EN_SUBSET_PRED = fastre.compile(
    r"seriously|critically|badly|severely|hospitali[sz]ed|taken to hospital|sent to hospital|admitted(?: to hospital)?|"
    r"unconscious|fainted|passed out|not breathing|unresponsive|no pulse"
)

# A count of people: a number followed by a person noun within three words ("2 elderly
# residents"), or by a predicate after only function words ("1 still trapped", "6 of
# them hospitalised"); "a"/"an" only right before a person ("a man", "an elderly woman").
# "3 cars stuck", "30 houses", "a leg injury" are not people.
_EN_FILLER = (
    r"(?:still|were|was|are|is|have|has|had|been|being|reported|confirmed|now|more|other|with|of|them|whom|minor|serious|"
    r"severe|later|also|so|far|a|an)"
)
# People got out, counted so that they leave the trapped or missing: "3 buried, 2 dug out".
_EN_OUT = r"rescued|freed|dug out|pulled out|brought out|got out|found|located"
EN_COUNT = fastre.compile(
    r"(?<![\w.#/:-])(?:(?:at least|about|around|approximately|approx\.?|nearly|over|more than|up to|some|another|"
    r"a further|further)\s+)?"
    r"(?:(?P<num>\d{1,4}|a dozen|dozens(?: of)?|a couple(?: of)?|couple of|twenty-\w+|thirty-\w+|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|"
    r"forty|fifty|hundred|several|many|a few|few|both)\+?(?![\w:%/]|\s+(?:fingers?|toes?|teeth|ribs?|bones?)\b|\.\d|-(?:year|yr|month|storey|story|floor)|\s+(?:years?|yrs?|months?)[- ]old|"
    r"\s*y/?o\b|\s+yrs?\b)"  # ages: a 70 y/o man, 45 yrs
    rf"(?=(?P<who>[\s-]+(?:[\w'/-]+\s+){{0,3}}?(?:{EN_PERSON})\b|\s+of (?:them|us|whom)\b|"
    r"\s+of (?:the|our|their|his|her|my) (?:[\w'-]+ ){0,3}(?:team|crew|group|party|gang|class|family|squad)\b)|"
    rf"(?<!\d{{4}})\s+(?:{_EN_FILLER}\s+){{0,3}}(?:{'|'.join(p for _, p in _EN_PREDICATES)}|{_EN_OUT})\b)"
    rf"|(?P<one>an?)(?=[\s-]+(?:[\w'/-]+\s+)?(?:{EN_PERSON})\b))"
)
# A clause that is only a number of people: "…, 4 men, contact established", "…, around 15 kids".
# "…some people under it, maybe two": a hedged number alone at the end.
EN_HEDGED_TRAILING = re.compile(
    r"(?:^|[,;:.(] ?)(?:maybe|at least|probably|possibly|perhaps) (?P<num>\d{1,3}|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|fifteen|twenty)\s*[.!]*\s*$"
)
EN_DEATH_TOLL = re.compile(r"\b(?:death toll|total dead|dead total|total deaths|deaths total)\b\D{0,24}?\b(?P<num>\d{1,4})\b")
# "total injured now 4", "missing total: 2": a follow-up's current figure of one kind.
EN_KIND_TOTAL = re.compile(
    r"\b(?:total (?P<kind>injured|hurt|inj|missing|trapped)|(?P<kind2>injured|hurt|inj|missing|trapped) total)\b(?: is| now| so far| stands at|:)*\s*(?P<num>\d{1,4})\b"
    r"|\b(?P<num2>\d{1,4}) (?P<kind3>injured|hurt|inj|missing|trapped) total\b"  # dispatch notes: NOW 3 INJ TOTAL
)
EN_TRAILING_COUNT = re.compile(
    r"(?:^|[,;:.(] ?)(?:about |around |approx\.? |some |at least )?(?P<num>\d{1,3}|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|fifteen|twenty)\s+(?:men|women|people|persons|kids|children|workers|miners|"
    r"crew|students|pupils|passengers|residents|villagers)\b(?=\s*(?:[,;.)]|$))"
)
# Where a bare number ("3 injured") may stand: after punctuation or a function word —
# "radio 3 is dead" names a radio.
EN_BARE_COUNT_AFTER = re.compile(
    r"(?:^|[,;:.!?(+&-]\s*|\b(?:with|and|of|leaving|including|left|were|are|have|had|killing|killed|injuring|plus|"
    r"about|around|nearly|over|least|than|total|another|further|some|approximately|approx|reportedly|now|far|only|"
    r"still|but|all|at|toll|count|casualties|seeing|by|dead|killed|injured|hurt|missing|trapped|like|maybe|perhaps|"
    r"possibly|probably|roughly|almost|then|also|so|"
    # what responders found or pulled out: "firemen found 1 dead", "they pulled out 2 injured"
    r"found|recovered|pulled out|brought out|rescued|saw|see|counted)\s+)$"
)
# Numbers that name things: block 7, gate 2, no. 4, km 92.
EN_NOT_COUNT_BEFORE = fastre.compile(
    r"\b(?:no\.?|#|block|gate|km|room|floor|exit|route|bus|line|building|unit|pier|berth|shaft|lane|no one|number|"
    r"platform|ward|bay|level|warehouse|dock|zone|area|hall|car|truck|road|rd|street|st|avenue|ave|g\d+|s\d+|"
    # equipment and port or plant numbering: crane 7, tank 3, hold 4, yard B2, line 5, boiler 2
    r"crane|tank|hold|yard|store|lab|terminal|jetty|quay|wharf|stack|bed|cabin|deck|ramp|machine|pump|boiler|"
    r"reactor|kiln|press|anchorage|tower|hangar|workshop|shed|furnace|vessel|silo|conveyor|section|sector|phase|team|shift)\s*$|"
    # an age after who it is: "male approx 60 collapsed", "woman, 70, fell"
    r"\b(?:male|female|man|woman|boy|girl|aged?)\b,?\s*(?:approx\.?|about|around|abt\.?)?\s*$"
)
EN_DIED_LATER = re.compile(r"\b(?:has |have |later )?died (?:in|at|on the way to) (?:the )?hospital\b|\blater died\b|"
                           r"\bdied of (?:his|her|their) injuries\b")
EN_PAIR = fastre.compile(r"\b(?:couple|twins)\b(?!\s+of\b)")  # "an elderly couple": two people
EN_CLAUSE_SEP = fastre.compile(r"[,;!?\n\r\t—–]|[.:](?!\d)|-(?!\S)")
EN_NEGATION = fastre.compile(r"\b(?:no|not|nobody|none|without|zero|never|no one|neither|nor|nearly|almost)\b[\w\s'-]{0,16}$")

# --- shared -------------------------------------------------------------------------

PAREN = fastre.compile(r"[(（][^()（）]{0,80}[)）]")
SENTENCE_END = fastre.compile(r"[。！!？?\n]|\.(?=\s)")
# …有咳嗽症状，人数待统计: people, but no figure.
HOW_MANY_UNKNOWN = fastre.compile(
    r"人数(?:待|不详|不明|未知|正在|还在|尚)|具体人数|待统计|具体几个|几个不知道|不知道几个|还在统计|"
    r"\bnumbers? (?:unknown|unclear|not (?:yet )?known)|"
    r"\bhow many\b"
)
# Between a predicate and the count that follows it: "burns to 2 workers", "困住了 2人".
POST_GAP = re.compile(r"\s*(?:了|的|着)?\s*|\s+(?:to|of|in|among|for)\s+|(?:人数|人员)?(?:已|现|仍)?(?:增至|增加到|增加至|上升至|上升到|升至|升到|攀升至|达到?|为|维持(?:在|为)?|保持(?:在|为)?)")


@dataclass(frozen=True)
class Rules:
    """The language-specific halves of the pairing rules (see casualties.py)."""

    negation: re.Pattern[str]    # 无人受伤 / no injuries
    unknown: re.Pattern[str]     # 伤亡不详 / casualties unknown (right after the predicate)
    resolved: re.Pattern[str]    # 被困老人已救出: trapped/missing in this clause are out
    rescued: re.Pattern[str]     # 已救出1人: subtract from trapped
    found: re.Pattern[str]       # 已找到1人: subtract from missing
    collective: re.Pattern[str]  # 都/均/all: the predicate refers back to an earlier headcount
    collective_all: re.Pattern[str]  # 全部/都/all: everyone (被困人员已全部救出)
    person: re.Pattern[str]      # people named
    one_person: re.Pattern[str]  # one person named
    group: re.Pattern[str]       # households, crowds: people, but how many?
    headcount: re.Pattern[str]   # 里面/车上/of them/crew: how many a previous predicate was about
    lift: re.Pattern[str]        # 电梯困人: people implied
    vehicle: re.Pattern[str]     # a car stuck: how many inside may follow
    subset: re.Pattern[str]      # 其中 / of them: a part of what was counted
    override: re.Pattern[str]    # 还有/仍有/目前共/still/in total: the current figure
    additive: re.Pattern[str]    # 另有/also/another: more, not the same people again
    link: re.Pattern[str]        # between two counts of one list: 2个老人1个小孩, 3 customers and 1 cook
    window: int                  # how far (chars) a count may stand before its predicate
    bodily: re.Pattern[str]      # 没气了 / 腿断了 / not breathing: a body is meant, so one person at least


ZH = Rules(
    negation=ZH_NEGATION,
    unknown=fastre.compile(r"(?:情况)?(?:人数)?(?:暂|尚|还|目前)?(?:不详|不明|未知|不清楚|待核实|待查|待确认)"),
    resolved=fastre.compile(r"(?<![没未不])(?:救出|获救|升井|出井|脱困|脱险|救起|救上岸|救上来|爬出|已找到|找到了|(?<![没未不])找到(?=[，,。！!\s]|$)|联系上|已撤出|已转移|(?:已|已经)(?:全部|均|都)(?:转移|撤离|撤出|疏散|救出)|安全撤离|捞上来|捞出来|自己(?:游|爬|走|跑)(?:回来|出来|上来|上岸))"),
    rescued=fastre.compile(r"(?<![没未不])(?:救出|获救|升井|出井|脱困|脱险|救起|救上|抬出|挖出|转移出|捞上来|捞出来|拉上来|拉出来|刨出来|刨出|挖出来|扒出来|扒出|(?:自己)?(?:爬|游|走|跑)(?:出来|上来|上岸))"),
    found=fastre.compile(r"(?<![没未不])(?:找到|联系上|寻回|获救|找着了|(?:自己)?(?:游|爬|走|跑)(?:回来|上来|上岸))"),
    collective=fastre.compile(r"(?:都|均|全部|全都)[^，,。]{0,3}$"),
    collective_all=fastre.compile(r"都|均|全部|全都|全员"),
    person=ZH_PERSON_RE,
    one_person=ZH_PERSON_RE,  # Chinese nouns do not mark the plural: 司机受伤 is one
    group=fastre.compile(
        r"(?:[2-9]|[1-9][0-9]+|[两三四五六七八九十百几多数余][一二两三四五六七八九十百几多数余]*)(?:户|家|群|批|伙)|"
        r"一群|一批|大批|很多|好多|不少|许多"
    ),
    headcount=fastre.compile(r"里面|里边|里头|车里|车内|车上|船上|屋里|屋内|室内|轿厢|车厢|吊厢|在里|一共|总共|共有|共计|船员|至少|起码|少说"),
    lift=fastre.compile(r"电梯|轿厢"),
    vehicle=fastre.compile(r"(?<![上下坐乘打搭])车|(?<![上下坐乘])船|艇|电梯|吊厢|缆车|索道"),  # (上车, 坐船: a ride, not a vehicle held)
    subset=fastre.compile(r"^\W*(?:其中|包括|含|内有)"),
    override=fastre.compile(r"^\W*(?:还有|仍有|尚有|目前共|目前|现共|现累计|现有|截至目前共?|共有|共计|累计|总共|合计)|增至|增加到|增加至|上升至|上升到|升至|升到|攀升至|(?:仍|尚|还)(?:被困|在|未|没)"),
    additive=fastre.compile(r"另有|另外|还有|也有|又有|此外"),
    # (一个妈妈带俩孩子: a parent with the children they have with them)
    link=re.compile(rf"[\u4e00-\u9fff]{{0,3}}?(?:{ZH_PERSON})\s*(?:和|与|及|以及|、|加|还有|带着|带)?\s*|\s*(?:和|与|及|以及|、|加)\s*"),
    window=20,
    bodily=fastre.compile(
        r"没气了|没有气了|断气|断了气|咽气|还有(?:一)?口?气|还有呼吸|" + _ZH_UNWAKING
        + r"|(?:喊|叫)(?:他|她)?(?:也)?不(?:答应|应|吭声)|抽搐|口吐白沫|不省人事|当场(?:就)?(?:死亡|身亡|没了|不行了)|"
        + "|".join((_ZH_LIMB_BROKEN, _ZH_LIMB_TWISTED, _ZH_SPRAINED, _ZH_SWOLLEN, _ZH_PART_USELESS, _ZH_BLOODY, _ZH_PART_HARMED,
                    _ZH_HARM_TO_PART))
        + r"|失温|头破|宣告(?:临床)?死亡|宣布(?:临床)?死亡|(?<![0-9零〇一二两俩三四五六七八九十])人(?:已经|已|早就|早)没了(?![呼气意知动反])|"
        r"(?:划|割|扎|砸|烫|烧)伤了?(?:手|脚|腿|头|脸|胳膊)|(?:手|胳膊|腿|脚|手指|手指头)(?:被|叫|给)?(?:绞|卷|夹|轧|压)(?:了|断了?|伤了?)"
    ),
)

EN = Rules(
    negation=EN_NEGATION,
    unknown=fastre.compile(r"\s*(?:unknown|unclear|not known|tbc|to be confirmed)"),
    resolved=fastre.compile(
        r"\b(?:rescued|freed|got out|brought out|all out|safe now|been found|were found|was found|located|"
        r"accounted for|pulled free|found (?:safe|alive|unharmed|well)|safe and sound|been evacuated|were evacuated|"
        r"brought to safety|taken off|(?:have |has )?been reached)\b"
    ),
    rescued=fastre.compile(r"\b(?:rescued|freed|got out|brought out|pulled out|pulled free|extricated|cut free|dug out)\b"),
    found=fastre.compile(r"\b(?:found|located|accounted for|rescued|pulled out|brought out|got out)\b"),
    # (all, both; "they're stuck": the people counted before, told again by the pronoun)
    collective=fastre.compile(r"\b(?:all|both|everyone)\b[\w\s]{0,12}$|\b(?:they|they're|theyre)\b(?: are| were| have| got)?(?: all| both| still| now)?\s*$"),
    collective_all=fastre.compile(r"\b(?:all|both|everyone)\b"),
    person=EN_PERSON_RE,
    one_person=EN_ONE_PERSON,
    group=fastre.compile(r"\b(?:families|households|homes|crowds?|groups?|dozens|lots|many|several)\b"),
    headcount=fastre.compile(
        r"\binside\b|\bin the (?:car|lift|elevator|cab|vehicle|cabin)\b|\bon board\b|\bof (?:them|us)\b|\bin all\b|"
        r"\bin total\b|\baltogether\b|\bcrew\b|\b(?:me|i) and (?:my|our)\b"
    ),
    lift=fastre.compile(r"\b(?:elevator|lift)s?\b"),
    vehicle=fastre.compile(
        r"\b(?:car|van|bus|truck|lorry|taxi|vehicle|boat|coach|minibus|vessel|ship|ferry|trawler|yacht|lift|"
        r"elevator)s?\b"
    ),
    subset=fastre.compile(
        r"\b(?:of them|of whom|among them|including)\b|\bamong the (?:injured|dead|wounded|casualties|victims|sick)\b|"
        # "…taken to hospital, one with serious burns" / "4 casualties, 1 critical": a part of those counted
        r"^\W*(?:one|two|three|four|five|\d{1,2})\s+(?:with|is|are|was|were|in|seriously|critically|badly|critical|serious)\b"
    ),
    override=fastre.compile(r"^\W*(?:still|now|total|in total|altogether|so far|all (?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2}))\b|\b(?:still|in total|in all)\b"),
    additive=fastre.compile(r"\b(?:another|also|other|others|plus|further|additional)\b"),
    link=re.compile(
        rf"[\s-]+(?:[\w'-]+\s+){{0,2}}?(?:{EN_PERSON})\s*(?:,\s*)?(?:and|&|\+|plus)\s+(?:(?:his|her|their|my|our)\s+)?|"
        r"\s*(?:and|&|\+|plus)\s+(?:(?:his|her|their|my|our)\s+)?"
    ),
    window=45,
    bodily=fastre.compile(
        r"not breathing|no pulse|not waking up|won'?t wake up|not responding|unresponsive|seizures?|fitting|"
        r"broken (?:leg|arm|ankle|wrist|hip|nose|ribs?)|bleeding from (?:his|her|the) (?:head|face|nose|mouth)|"
        # her arm looks broken, his leg is bleeding, bleeding a lot from his calf: somebody's body
        r"(?:arm|leg|ankle|wrist|hip|nose|foot|hand|head|face|finger|chest|rib|knee|shoulder)s? |"
        r"bleeding (?:[\w-]+ ){0,3}from (?:his|her|their) |bloody nose|black eye|nosebleed|"
        r"(?:gash|cut|wound|lump) (?:over|above|on|across|to) (?:his |her |the |their )?(?:left |right )?(?:eye|head|forehead|face|scalp)"
    ),
)
