package io.fjord.protocol.metrics;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A read-only MBean whose attributes are computed when read, with the attribute names and types Yammer
 * metrics' JMX reporter uses (Count, MeanRate, 50thPercentile, ...), so tools written for Kafka's
 * MBeans read Fjord's. Thread-safe if its suppliers are.
 */
final class AttributeMBean implements DynamicMBean {
    private final Map<String, Supplier<Object>> values = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();
    private final String description;

    AttributeMBean(String description) {
        this.description = description;
    }

    AttributeMBean longAttribute(String name, Supplier<Long> value) {
        return add(name, "long", value::get);
    }

    AttributeMBean doubleAttribute(String name, Supplier<Double> value) {
        return add(name, "double", value::get);
    }

    AttributeMBean stringAttribute(String name, String value) {
        return add(name, String.class.getName(), () -> value);
    }

    AttributeMBean objectAttribute(String name, Supplier<Object> value) {
        return add(name, Object.class.getName(), value);
    }

    private AttributeMBean add(String name, String type, Supplier<Object> value) {
        values.put(name, value);
        types.put(name, type);
        return this;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Supplier<Object> value = values.get(attribute);
        if (value == null) {
            throw new AttributeNotFoundException(attribute);
        }
        return value.get();
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("Read-only: " + attribute.getName());
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String name : attributes) {
            Supplier<Object> value = values.get(name);
            if (value != null) {
                list.add(new Attribute(name, value.get()));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("No operations: " + actionName);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        MBeanAttributeInfo[] attributes = types.entrySet().stream()
                .map(e -> new MBeanAttributeInfo(e.getKey(), e.getValue(), e.getKey(), true, false, false))
                .toArray(MBeanAttributeInfo[]::new);
        return new MBeanInfo(getClass().getName(), description, attributes, null, null, null);
    }
}
